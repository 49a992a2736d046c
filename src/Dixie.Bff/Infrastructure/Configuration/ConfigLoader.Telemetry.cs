namespace Dixie.Bff.Infrastructure.Configuration;

// Spec 01 §3.6: telemetry. Only the endpoint and protocol are validated; the rest belongs to the SDK.
public static partial class ConfigLoader
{
    private static readonly Dictionary<string, OtlpProtocol> OtlpProtocols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["grpc"] = OtlpProtocol.Grpc, ["http/protobuf"] = OtlpProtocol.HttpProtobuf,
    };

    private static TelemetrySettings ReadTelemetry(EnvReader reader, DixieEnvironment environment)
    {
        const string endpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
        var endpointText = reader.Scalar(endpointVariable);
        var endpoint = endpointText is null ? null : AbsoluteUrl(reader, endpointVariable, endpointText, ["http", "https"]);
        if (endpoint is not null && endpoint.UserInfo.Length > 0)
        {
            RefusePlaceholder(reader, environment, endpointVariable, Uri.UnescapeDataString(endpoint.UserInfo), "the credentials");
        }
        var headers = reader.Secret("OTEL_EXPORTER_OTLP_HEADERS");
        RefusePlaceholder(reader, environment, "OTEL_EXPORTER_OTLP_HEADERS", headers);
        return new TelemetrySettings
        {
            OtlpEndpoint = endpoint,
            OtlpProtocol = reader.Enum("OTEL_EXPORTER_OTLP_PROTOCOL", OtlpProtocols) ?? OtlpProtocol.Grpc,
            OtlpHeaders = headers,
            OtlpTimeout = reader.Scalar("OTEL_EXPORTER_OTLP_TIMEOUT"),
            TracesSampler = reader.Scalar("OTEL_TRACES_SAMPLER"),
            TracesSamplerArg = reader.Scalar("OTEL_TRACES_SAMPLER_ARG"),
        };
    }
}
