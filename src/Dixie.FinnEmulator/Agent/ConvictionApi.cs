using System.Text.Encodings.Web;
using System.Text.Json;
using Dixie.FinnEmulator.Pipeline;

namespace Dixie.FinnEmulator.Agent;

/// <summary><c>GET /api/conviction/{wallet}/staking</c> (spec 11 §6.2).</summary>
public static class ConvictionApi
{
    public const string StakedSince = "2026-01-01T00:00:00.000Z";

    public static Task StakingAsync(HttpContext context, string wallet, StakingMap staking)
    {
        if (!Wallets.IsAddress(wallet))
        {
            return FinnResponses.InvalidRequestAsync(context);
        }
        if (staking.Find(wallet) is not { } raw)
        {
            return FinnResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "No staking record", "NOT_FOUND");
        }
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("wallet", Wallets.Checksum(wallet));
            // The value exactly as given, a number or a numeric string.
            json.WritePropertyName("bgtStaked");
            json.WriteRawValue(raw);
            json.WriteString("stakedSince", StakedSince);
            json.WriteString("validatorId", "validator-emulator");
            json.WriteEndObject();
        }
        return FinnResponses.WriteRawJsonAsync(context, 200, buffer.ToArray());
    }
}
