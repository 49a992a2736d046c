using System.Text.Json;
using Dixie.Bff.Features.Chat;
using Dixie.Bff.Features.Chat.Streaming;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dixie.Bff.Tests.Streaming;

/// <summary>
/// A dixie-bff whose caller is a listed API key; streams are opened with `POST /api/chat` and
/// `Accept: text/event-stream`.
/// </summary>
public static class StreamHost
{
    public const string StreamPath = "/api/chat";

    public static Task<DixieHost> StartAsync(string finnUrl, Dictionary<string, string?>? environment = null)
    {
        var options = new DixieHostOptions
        {
            FinnUrl = finnUrl,
            ApiKey = TestEnvironment.NewApiKey(),
            Environment = { ["DIXIE_RATE_LIMIT_RPM"] = "1000000" },
        };
        foreach (var (name, value) in environment ?? []) options.Environment[name] = value;
        return DixieHost.StartAsync(options);
    }

    public static Task<SseEvents> OpenAsync(this DixieHost host, string prompt, string? sessionId = null, string? requestId = null) =>
        SseEvents.OpenAsync(host.Client, StreamPath, sessionId is null ? new { prompt } : new { prompt, sessionId }, requestId);

    /// <summary>A session created at finn directly and recorded as the host key's, without any call through dixie's finn client.</summary>
    public static async Task<string> SeedSessionAsync(this DixieHost host, string finnUrl)
    {
        using var finn = DixieHost.CreateClient(new Uri(finnUrl.TrimEnd('/') + "/"));
        var created = await finn.PostAsync("api/sessions", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        created.EnsureSuccessStatusCode();
        var sessionId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("sessionId").GetString()!;
        Assert.True(await host.Get<ChatSessionStore>().CreateAsync(sessionId, host.Owner(), CancellationToken.None));
        return sessionId;
    }

    public static ChatOwner Owner(this DixieHost host) =>
        new(host.Client.DefaultRequestHeaders.Authorization!.Parameter![..12], Dixie.Bff.Infrastructure.Outbox.CallerKind.ApiKey);

    /// <summary>The stored `message_count` of a session (owned by the host's API key).</summary>
    public static async Task<int> MessageCountAsync(this DixieHost host, string sessionId)
    {
        var row = await host.Get<ChatSessionStore>().FindOwnedAsync(sessionId, host.Owner(), CancellationToken.None);
        return row?.MessageCount ?? throw new InvalidOperationException($"session {sessionId} is not the host key's");
    }
}
