namespace Dixie.Bff.Infrastructure.Configuration;

// Spec 01 §3.1: process and HTTP.
public static partial class ConfigLoader
{
    internal const int DefaultPort = 3001;

    private static HttpSettings ReadHttp(EnvReader reader)
    {
        // PORT wins (PaaS convention); an invalid PORT is a problem, never a fallback to DIXIE_PORT.
        var dixiePort = reader.Int("DIXIE_PORT", 1, 65535, DefaultPort);
        var port = reader.IsSet("PORT") ? reader.Int("PORT", 1, 65535, dixiePort) : dixiePort;
        var corsOrigins = CorsOrigins.Parse(reader) ?? [$"http://localhost:{port}"];
        return new HttpSettings
        {
            Port = port,
            CorsOrigins = corsOrigins,
            TrustedProxies = TrustedProxies.Parse(reader),
            LogLevel = ReadLogLevel(reader),
            MetricsEnabled = reader.Bool("DIXIE_METRICS_ENABLED", true),
        };
    }
}
