using System.Security.Cryptography;
using Dixie.Bff.Tests.Infrastructure;

namespace Dixie.Bff.Tests.Support;

/// <summary>A valid environment for one test host; each test changes only what it is about.</summary>
public static class TestEnvironment
{
    public static readonly string AdminKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A fresh key in the recommended form (`dxk_` + 32 base62 characters).</summary>
    public static string NewApiKey() =>
        "dxk_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);

    public static async Task<Dictionary<string, string?>> CreateAsync(DixieHostOptions options)
    {
        var directory = Directory.CreateTempSubdirectory("dixie-host-").FullName;
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DIXIE_ENV"] = "test",
            ["DIXIE_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LOG_LEVEL"] = "debug",
            ["FINN_URL"] = options.FinnUrl ?? (await SharedEmulator.GetAsync()).BaseUrl,
            ["DIXIE_JWT_PRIVATE_KEY"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            ["DIXIE_ADMIN_KEY"] = AdminKey,
            ["DATABASE_URL"] = options.DatabaseUrl ?? await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync(),
            ["DIXIE_ALLOWLIST_PATH"] = Path.Combine(directory, "allowlist.json"),
            ["DIXIE_FLEET_WORK_DIR"] = Path.Combine(directory, "fleet"),
        };
        if (options.ApiKey is { } apiKey)
        {
            var digest = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(apiKey)));
            await File.WriteAllTextAsync(environment["DIXIE_ALLOWLIST_PATH"]!, $$"""{"version":1,"apiKeys":["sha256:{{digest}}"]}""");
        }
        foreach (var (name, value) in options.Environment)
        {
            if (value is null) environment.Remove(name);
            else environment[name] = value;
        }
        return environment;
    }
}
