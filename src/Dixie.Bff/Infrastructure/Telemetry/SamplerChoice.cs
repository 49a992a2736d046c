using System.Globalization;
using OpenTelemetry.Trace;

namespace Dixie.Bff.Infrastructure.Telemetry;

/// <summary>
/// OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the OpenTelemetry specification names them;
/// anything unknown keeps the default, parent-based always-on. Trace ids on responses stay real
/// whatever the sampler decides.
/// </summary>
public static class SamplerChoice
{
    public static Sampler From(string? name, string? argument)
    {
        var ratio = double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r : 1.0;
        return name?.Trim().ToLowerInvariant() switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(ratio),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)),
            _ => new ParentBasedSampler(new AlwaysOnSampler()),
        };
    }
}
