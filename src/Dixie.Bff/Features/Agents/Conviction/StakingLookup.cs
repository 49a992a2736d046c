using System.Globalization;
using System.Text.Json;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Agents.Conviction;

/// <summary>What finn said about a wallet's stake (spec 07 §1.2).</summary>
public abstract record StakingAnswer
{
    private StakingAnswer() { }

    public sealed record Staked(double BgtStaked) : StakingAnswer;

    /// <summary>404: a definite "no staking record".</summary>
    public sealed record NoRecord : StakingAnswer;

    /// <summary>Any other status, a malformed body, a timeout, a network error or an open breaker.</summary>
    public sealed record Transient : StakingAnswer;
}

/// <summary>
/// `GET /api/conviction/{wallet}/staking` with a 2 s timeout, outside the breaker's failure accounting:
/// a wallet looking up its tier can never open the circuit chat depends on (spec 05 §7, 07 §1.2).
/// </summary>
public sealed class StakingLookup(FinnClient finn, ILogger<StakingLookup> logger)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<StakingAnswer> LookupAsync(string checksummedWallet, CancellationToken ct)
    {
        var caller = new FinnCallContext(RequestContext.RequestId ?? Guid.NewGuid().ToString());
        var answer = await finn.SendUncountedAsync(FinnOperation.ConvictionStaking,
            $"api/conviction/{Uri.EscapeDataString(checksummedWallet)}/staking", Timeout, caller, ct);
        if (answer is null) return new StakingAnswer.Transient();
        if (answer.Status == StatusCodes.Status404NotFound) return new StakingAnswer.NoRecord();
        if (answer.Status is >= 200 and < 300 && TryReadBgt(answer.Body) is { } bgt) return new StakingAnswer.Staked(bgt);
        var kind = answer.Status is >= 200 and < 300 ? "malformed" : "http";
        FinnClient.LogCallFailed(logger, FinnOperation.ConvictionStaking.Route, answer.Status, null, kind, finn.CircuitState);
        return new StakingAnswer.Transient();
    }

    /// <summary>`bgtStaked` as a finite number ≥ 0, given as a JSON number or a numeric string.</summary>
    internal static double? TryReadBgt(byte[]? body)
    {
        if (body is null || body.Length == 0) return null;
        try
        {
            using var document = JsonText.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("bgtStaked", out var value))
            {
                return null;
            }
            double parsed;
            switch (value.ValueKind)
            {
                case JsonValueKind.Number when value.TryGetDouble(out parsed):
                    break;
                case JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out parsed):
                    break;
                default:
                    return null;
            }
            return double.IsFinite(parsed) && parsed >= 0 ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
