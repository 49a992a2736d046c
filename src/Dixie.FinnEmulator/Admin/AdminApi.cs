using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Dixie.FinnEmulator.Agent;
using Dixie.FinnEmulator.Faults;
using Dixie.FinnEmulator.Hosting;
using Dixie.FinnEmulator.Pipeline;
using Dixie.FinnEmulator.Sessions;
using Dixie.FinnEmulator.WebSockets;

namespace Dixie.FinnEmulator.Admin;

/// <summary>The test-facing endpoints under <c>/_emulator</c> (spec 11 §8); no auth, never faulted or recorded.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder admin)
    {
        admin.MapFaultsAdmin();
        admin.MapGet("/requests", ListRequestsAsync);
        admin.MapDelete("/requests", (RequestLog log) =>
        {
            log.Clear();
            return TypedResults.NoContent();
        });
        admin.MapGet("/counters", (HttpContext context, Counters counters) =>
            FinnResponses.WriteJsonAsync(context, 200, counters.Snapshot(), EmulatorJsonContext.Default.DictionaryStringInt64));
        admin.MapPost("/reset", ResetAsync);
        admin.MapPost("/staking", SetStakingAsync);
        admin.MapPost("/tba", RegisterTbaAsync);
        admin.MapDelete("/tba/{address}", (string address, TbaRegistry registry) =>
        {
            registry.Remove(address);
            return TypedResults.NoContent();
        });
        return admin;
    }

    private static Task ListRequestsAsync(HttpContext context, RequestLog log)
    {
        var query = context.Request.Query;
        string? kind = query["kind"].ToString() is { Length: > 0 } k ? k : null;
        string? path = query["path"].ToString() is { Length: > 0 } p ? p : null;
        long? since = null;
        var limit = RequestLog.Capacity;
        var valid = kind is null or "http" or "ws_upgrade" or "ws_frame";
        if (query["since"].ToString() is { Length: > 0 } s)
        {
            valid &= long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n);
            since = n;
        }
        if (query["limit"].ToString() is { Length: > 0 } l)
        {
            valid &= int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= RequestLog.Capacity;
        }
        if (!valid)
        {
            return FinnResponses.InvalidRequestAsync(context);
        }
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("requests");
            foreach (var entry in log.Query(kind, path, since, limit))
            {
                entry.WriteTo(json);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return FinnResponses.WriteRawJsonAsync(context, 200, buffer.WrittenSpan.ToArray());
    }

    private static async Task<IResult> ResetAsync(SessionStore sessions, ProcessFaults faults, RequestLog log, Counters counters,
        StakingMap staking, TbaRegistry registry, WsRegistry sockets, ILogger<RequestLog> logger)
    {
        sessions.Clear();
        faults.Set(FaultSetting.None);
        log.Clear();
        counters.Reset();
        staking.ResetOverrides();
        registry.Clear();
        await sockets.CloseAllAsync("Emulator reset");
        EmulatorLog.Reset(logger);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SetStakingAsync(HttpContext context, StakingMap staking)
    {
        using var document = JsonBody.ParseObject((await BufferedBody.ReadAsync(context.Request)).Bytes);
        if (document is null
            || !document.RootElement.TryGetProperty("wallet", out var wallet) || wallet.ValueKind != JsonValueKind.String
            || !Wallets.IsAddress(wallet.GetString())
            || !document.RootElement.TryGetProperty("bgtStaked", out var staked))
        {
            return InvalidRequest();
        }
        if (staked.ValueKind == JsonValueKind.Null)
        {
            staking.Set(wallet.GetString()!, null);
        }
        else if (StakingMap.TryRawValue(staked, out var raw))
        {
            staking.Set(wallet.GetString()!, raw);
        }
        else
        {
            return InvalidRequest();
        }
        return TypedResults.NoContent();
    }

    private static async Task<IResult> RegisterTbaAsync(HttpContext context, TbaRegistry registry)
    {
        using var document = JsonBody.ParseObject((await BufferedBody.ReadAsync(context.Request)).Bytes);
        if (document is null)
        {
            return InvalidRequest();
        }
        var root = document.RootElement;
        var tba = Address(root, "tbaAddress", required: true, out var ok1);
        var owner = Address(root, "ownerWallet", required: true, out var ok2);
        var nft = Address(root, "nftContract", required: false, out var ok3);
        var reported = Address(root, "reportedTbaAddress", required: false, out var ok4);
        var tokenId = TokenId(root, out var ok5);
        if (!(ok1 && ok2 && ok3 && ok4 && ok5))
        {
            return InvalidRequest();
        }
        registry.Register(new TbaEntry(tba!, owner!, nft, tokenId, reported));
        return TypedResults.NoContent();
    }

    private static string? Address(JsonElement root, string name, bool required, out bool ok)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            ok = !required;
            return null;
        }
        ok = value.ValueKind == JsonValueKind.String && Wallets.IsAddress(value.GetString());
        return ok ? value.GetString() : null;
    }

    private static string? TokenId(JsonElement root, out bool ok)
    {
        ok = true;
        if (!root.TryGetProperty("tokenId", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        ok = text is { Length: > 0 and <= 78 } && text.AsSpan().ContainsAnyExceptInRange('0', '9') is false;
        return ok ? text : null;
    }

    private static JsonHttpResult<FinnError> InvalidRequest() =>
        TypedResults.Json(new FinnError("Invalid request", "INVALID_REQUEST"), EmulatorJsonContext.Default.FinnError, statusCode: 400);
}
