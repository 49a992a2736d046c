using Dixie.Bff.Infrastructure.Configuration;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dixie.Bff.Infrastructure.Telemetry;

public static class TelemetrySetup
{
    /// <summary>
    /// The tracer provider is always built so every request has real trace ids (D10); the OTLP
    /// exporter is added only when an endpoint is configured. Metrics are served on /metrics.
    /// </summary>
    public static WebApplicationBuilder AddDixieTelemetry(this WebApplicationBuilder builder, DixieConfig config)
    {
        var telemetry = config.Telemetry;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                resource.AddService(DixieTelemetry.Name, serviceVersion: DixieTelemetry.Version,
                    serviceInstanceId: Guid.NewGuid().ToString());
                resource.AddAttributes([new("deployment.environment.name", config.Environment.ToString().ToLowerInvariant())]);
            })
            .WithTracing(tracing =>
            {
                tracing.SetSampler(SamplerChoice.From(telemetry.TracesSampler, telemetry.TracesSamplerArg))
                    // Registered before any exporter, so nothing leaves unsanitised.
                    .AddProcessor(new DixieSpanProcessor())
                    .AddSource(DixieTelemetry.Name)
                    .AddAspNetCoreInstrumentation(options =>
                    {
                        options.RecordException = false;
                        // Probes and scrapes keep their trace headers but are not recorded or exported.
                        options.Filter = context => !IsProbeOrScrape(context.Request.Path);
                    })
                    .AddHttpClientInstrumentation(options => options.RecordException = false)
                    .AddNpgsql();
                if (telemetry.OtlpEndpoint is { } endpoint)
                {
                    tracing.AddOtlpExporter(options =>
                    {
                        options.Protocol = telemetry.OtlpProtocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                        options.Endpoint = telemetry.OtlpProtocol == OtlpProtocol.HttpProtobuf
                            ? new Uri(endpoint.ToString().TrimEnd('/') + "/v1/traces")
                            : endpoint;
                        if (telemetry.OtlpHeaders is { } headers) options.Headers = headers;
                        if (int.TryParse(telemetry.OtlpTimeout, out var timeoutMs)) options.TimeoutMilliseconds = timeoutMs;
                    });
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(DixieTelemetry.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                    "System.Net.Http", "System.Runtime", "Npgsql")
                .AddPrometheusExporter());
        return builder;
    }

    public static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/healthz") || path.Equals("/metrics", StringComparison.Ordinal);
}
