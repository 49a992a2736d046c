namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>
/// PostgreSQL refuses to run as root. When the tests run as root, initdb and postgres run as this
/// dedicated system user (the same one `scripts/ensure-deps.sh` creates for `make run`).
/// </summary>
internal static class PostgresUser
{
    public const string Name = "dixie-pg";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool ensured;

    public static bool IsNeeded => Environment.IsPrivilegedProcess;

    /// <summary>The prefix that runs a command as <see cref="Name"/>, or nothing when not root.</summary>
    public static async Task<IReadOnlyList<string>> CommandPrefixAsync()
    {
        if (!IsNeeded)
        {
            return [];
        }
        await EnsureExistsAsync();
        // setpriv execs without forking (unlike runuser), so signals reach postgres itself.
        return [ServerBinaries.Find("setpriv", "util-linux"), $"--reuid={Name}", $"--regid={Name}", "--init-groups", "--"];
    }

    /// <summary>Hands <paramref name="directory"/> to the PostgreSQL user when running as root.</summary>
    public static async Task GiveDirectoryAsync(string directory)
    {
        if (IsNeeded)
        {
            await EnsureExistsAsync();
            await ToolCommand.RunCheckedAsync("chown", ["-R", $"{Name}:{Name}", directory]);
        }
    }

    private static async Task EnsureExistsAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (ensured || await ExistsAsync())
            {
                ensured = true;
                return;
            }
            var (exitCode, output) = await ToolCommand.RunAsync(
                ServerBinaries.Find("useradd", "passwd"),
                ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", Name]);
            // Another test process may have created it at the same moment.
            if (exitCode != 0 && !await ExistsAsync())
            {
                throw new InvalidOperationException($"could not create the system user {Name} for PostgreSQL: {output}");
            }
            ensured = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<bool> ExistsAsync() => (await ToolCommand.RunAsync("id", ["-u", Name])).ExitCode == 0;
}
