using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dixie.Bff.Tests.Allowlist;

/// <summary>What the allowlist suites share: a file of their own, hosts pointed at it, admin calls.</summary>
internal static class AllowlistTesting
{
    public const string Hardhat0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    public const string Hardhat1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    /// <summary>A path in a fresh directory; the file does not exist yet.</summary>
    public static string NewPath() => Path.Combine(Directory.CreateTempSubdirectory("dixie-allowlist-").FullName, "allowlist.json");

    /// <summary>A random address in EIP-55 form.</summary>
    public static string NewWallet() => WalletAddress.ToChecksum("0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)));

    /// <summary>A random key in the recommended form: `dxk_` + 32 base62 characters.</summary>
    public static string NewApiKey() => TestEnvironment.NewApiKey();

    public static string Digest(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static void Write(string path, string content) => File.WriteAllText(path, content);

    public static string FileWith(IEnumerable<string> wallets, IEnumerable<string>? apiKeys = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["version"] = 1, ["wallets"] = wallets, ["apiKeys"] = apiKeys ?? [] });

    public static Task<DixieHost> StartAsync(string path, AllowlistOptions? options = null, string? databaseUrl = null,
        AllowlistWriteHook? hook = null) =>
        DixieHost.StartAsync(new DixieHostOptions
        {
            // Some suites send hundreds of admin writes a minute from one address; the limiter has its own tests.
            Environment = { ["DIXIE_ALLOWLIST_PATH"] = path, ["DIXIE_RATE_LIMIT_RPM"] = "1000000" },
            DatabaseUrl = databaseUrl,
            ConfigureServices = services =>
            {
                if (options is not null) services.AddSingleton(options);
                if (hook is not null) services.AddSingleton(hook);
            },
        });

    public static HttpRequestMessage Admin(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminKey);
        return request;
    }

    public static async Task<HttpResponseMessage> PostRawAsync(this DixieHost host, string body, string contentType = "application/json")
    {
        using var request = Admin(HttpMethod.Post, "/api/admin/allowlist", new StringContent(body, Encoding.UTF8));
        request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await host.Client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> AddAsync(this DixieHost host, string type, string value) =>
        host.PostRawAsync(JsonSerializer.Serialize(new { type, value }));

    public static async Task<HttpResponseMessage> RemoveAsync(this DixieHost host, string entry)
    {
        using var request = Admin(HttpMethod.Delete, "/api/admin/allowlist/" + Uri.EscapeDataString(entry));
        return await host.Client.SendAsync(request);
    }

    public static async Task<JsonElement> ViewAsync(this DixieHost host)
    {
        using var request = Admin(HttpMethod.Get, "/api/admin/allowlist");
        var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>The `data` of a successful change, after checking status and `ok`.</summary>
    public static async Task<JsonElement> ChangedAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement;
        Assert.True(body.GetProperty("ok").GetBoolean());
        return body.GetProperty("data");
    }

    public static IReadOnlyList<string> Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    /// <summary>The file as JSON (it must parse).</summary>
    public static JsonElement ReadFile(string path) => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement;

    public static async Task<long> CountAsync(this DixieHost host, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = host.Get<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
