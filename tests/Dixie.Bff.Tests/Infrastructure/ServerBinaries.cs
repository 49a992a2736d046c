namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>Finds the server binaries the tests run and says which Debian package provides a missing one.</summary>
internal static class ServerBinaries
{
    // Debian installs nats-server into /usr/sbin, which is not on every user's PATH.
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"];

    public static string Find(string binary, string debianPackage)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(ExtraDirectories))
        {
            var candidate = Path.Combine(directory, binary);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw Missing(binary, debianPackage);
    }

    /// <summary>
    /// The bin directory of the newest PostgreSQL under /usr/lib/postgresql (Debian keeps the server
    /// binaries off PATH), or the directory of an initdb on PATH; <c>PG_BIN</c> overrides both.
    /// </summary>
    public static string PostgresBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "postgres"))
                ? configured
                : throw new InvalidOperationException($"PG_BIN={configured} does not contain a postgres binary.");
        }
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.EnumerateDirectories(debianRoot)
                .Select(directory => (Directory: directory, Version: double.TryParse(Path.GetFileName(directory), out var v) ? v : -1))
                .Where(entry => entry.Version >= 0 && File.Exists(Path.Combine(entry.Directory, "bin", "postgres")))
                .OrderByDescending(entry => entry.Version)
                .Select(entry => Path.Combine(entry.Directory, "bin"))
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }
        try
        {
            return Path.GetDirectoryName(Find("initdb", "postgresql"))!;
        }
        catch (InvalidOperationException)
        {
            throw Missing("PostgreSQL server (initdb, postgres)", "postgresql");
        }
    }

    private static InvalidOperationException Missing(string binary, string debianPackage) =>
        new($"{binary} is not installed. Install the Debian package '{debianPackage}' " +
            $"(apt-get install -y {debianPackage}); `make test` installs it when run as root.");
}
