using System.Text.Json;
using System.Text.Json.Nodes;
using Dixie.Bff.Infrastructure;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// `result.json` as the agent wrote it (spec 07 §4.4): a JSON object of at most 64 KiB with a positive
/// integer `prNumber` and/or an absolute http(s) `url` of at most 2 048 characters.
/// </summary>
public sealed record AgentResult(int? PrNumber, string? Url)
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>`{prNumber?, url?}` as stored in `fleet_tasks.result`.</summary>
    public string Json
    {
        get
        {
            var json = new JsonObject();
            if (PrNumber is { } pr) json["prNumber"] = pr;
            if (Url is { } url) json["url"] = url;
            return json.ToJsonString();
        }
    }

    /// <summary>The result, or null with the reason it is unusable (null reason when the file is simply absent).</summary>
    public static (AgentResult? Result, string? Problem) Read(string path)
    {
        if (!File.Exists(path)) return (null, null);
        try
        {
            if (new FileInfo(path).Length > MaxBytes) return (null, "larger than 64 KiB");
            using var document = JsonText.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, "not a JSON object");
            int? pr = document.RootElement.TryGetProperty("prNumber", out var prValue) && prValue.ValueKind == JsonValueKind.Number
                && prValue.TryGetInt32(out var number) && number > 0 ? number : null;
            string? url = document.RootElement.TryGetProperty("url", out var urlValue) && urlValue.ValueKind == JsonValueKind.String
                && urlValue.GetString() is { Length: <= 2048 } text && Uri.TryCreate(text, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? text : null;
            return pr is null && url is null ? (null, "neither a valid prNumber nor a valid url") : (new AgentResult(pr, url), null);
        }
        catch (JsonException)
        {
            return (null, "not valid JSON");
        }
        catch (IOException)
        {
            return (null, "unreadable");
        }
    }
}
