namespace Dixie.Smoke;

/// <summary>
/// The deployment under test, from the environment (spec 12 §4): `DIXIE_SMOKE_BASE_URL`
/// (default http://localhost:3001), `DIXIE_ADMIN_KEY`, `DIXIE_SMOKE_RESTART_CMD`.
/// </summary>
public static class SmokeTarget
{
    public static Uri BaseUrl { get; } = new(Environment.GetEnvironmentVariable("DIXIE_SMOKE_BASE_URL") is { Length: > 0 } url ? url : "http://localhost:3001");

    public static string? AdminKey => Environment.GetEnvironmentVariable("DIXIE_ADMIN_KEY") is { Length: > 0 } key ? key : null;

    public static string? RestartCommand => Environment.GetEnvironmentVariable("DIXIE_SMOKE_RESTART_CMD") is { Length: > 0 } command ? command : null;

    public static HttpClient CreateClient() => new() { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
}
