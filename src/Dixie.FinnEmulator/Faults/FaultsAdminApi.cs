using System.Text.Json;
using System.Text.Json.Serialization;
using Dixie.FinnEmulator.Hosting;
using Dixie.FinnEmulator.Pipeline;

namespace Dixie.FinnEmulator.Faults;

/// <summary><c>POST</c>/<c>GET /_emulator/faults</c> (spec 11 §7.3).</summary>
public static class FaultsAdminApi
{
    public static RouteGroupBuilder MapFaultsAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost("/faults", (HttpContext context, ProcessFaults faults, ILogger<ProcessFaults> logger) => SetAsync(context, faults, logger));
        admin.MapGet("/faults", (HttpContext context, ProcessFaults faults) =>
        {
            var (setting, fired) = faults.Current;
            return FinnResponses.WriteJsonAsync(context, 200, FaultView.Of(setting, fired), EmulatorJsonContext.Default.FaultView);
        });
        return admin;
    }

    private static async Task SetAsync(HttpContext context, ProcessFaults faults, ILogger logger)
    {
        var body = await BufferedBody.ReadAsync(context.Request);
        using var document = JsonBody.ParseObject(body.Bytes);
        if (document is null || !TryRead(document.RootElement, out var setting))
        {
            await HttpFaults.WriteInvalidAsync(context);
            return;
        }
        faults.Set(setting);
        EmulatorLog.FaultSet(logger, setting.Mode.ToString(), setting.Path ?? "*");
        await FinnResponses.WriteJsonAsync(context, 200, FaultView.Of(setting, fired: null), EmulatorJsonContext.Default.FaultView);
    }

    internal static bool TryRead(JsonElement root, out FaultSetting setting)
    {
        setting = FaultSetting.None;
        FaultMode? mode = null;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            var ok = property.Name switch
            {
                "mode" => (mode = ParseMode(value)) is not null,
                "status" => TryInt(value, 100, 599, out var status) && Assign(ref setting, setting with { Status = status }),
                "code" => value.ValueKind == JsonValueKind.String && FaultDirective.IsCode(value.GetString())
                    && Assign(ref setting, setting with { Code = value.GetString()! }),
                "delayMs" => TryInt(value, 0, FaultDirective.MaxDelayMs, out var delay) && Assign(ref setting, setting with { DelayMs = delay }),
                "ratio" => value.ValueKind == JsonValueKind.Number && value.GetDouble() is > 0 and <= 1 and var ratio
                    && Assign(ref setting, setting with { Ratio = ratio }),
                "path" => value.ValueKind == JsonValueKind.String && value.GetString() is ['/', ..] path
                    && Assign(ref setting, setting with { Path = path }),
                "count" => TryInt(value, 1, int.MaxValue, out var count) && Assign(ref setting, setting with { Count = count }),
                // Unknown fields are rejected so that a misspelt option cannot silently do nothing.
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        if (mode is null)
        {
            return false;
        }
        setting = setting with { Mode = mode.Value };
        return true;
    }

    private static bool Assign(ref FaultSetting target, FaultSetting value)
    {
        target = value;
        return true;
    }

    private static FaultMode? ParseMode(JsonElement value) => value.ValueKind != JsonValueKind.String ? null : value.GetString() switch
    {
        "none" => FaultMode.None,
        "down" => FaultMode.Down,
        "slow" => FaultMode.Slow,
        "error" => FaultMode.Error,
        _ => null,
    };

    private static bool TryInt(JsonElement value, int min, int max, out int result)
    {
        result = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out result) && result >= min && result <= max;
    }
}

public sealed record FaultView(string Mode, int Status, string Code, int DelayMs, double Ratio, string? Path, int? Count,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Fired)
{
    public static FaultView Of(FaultSetting setting, long? fired) => new(setting.Mode.ToString().ToLowerInvariant(),
        setting.Status, setting.Code, setting.DelayMs, setting.Ratio, setting.Path, setting.Count, fired);
}
