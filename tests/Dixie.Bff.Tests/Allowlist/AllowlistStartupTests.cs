using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Tests.Binary;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.Logging;
using static Dixie.Bff.Tests.Allowlist.AllowlistTesting;

namespace Dixie.Bff.Tests.Allowlist;

/// <summary>Spec 04 §5.2 at startup.</summary>
public sealed class AllowlistStartupTests
{
    [Fact]
    public async Task Missing_file_is_empty_list()
    {
        var path = NewPath();
        await using var host = await StartAsync(path);

        var current = host.Get<CurrentAllowlist>();
        Assert.Equal(0, current.Snapshot.WalletCount);
        Assert.Equal(0, current.Snapshot.ApiKeyCount);
        Assert.False(current.Snapshot.ContainsWallet(Hardhat0));
        Assert.NotEqual(DateTimeOffset.MinValue, current.LoadedAt);
        var missing = await host.Logs.WaitForAsync("allowlist_missing");
        Assert.Equal(LogLevel.Warning, missing.Level);
        Assert.Equal(path, missing.String("path"));
        Assert.Equal("""{"version":1,"wallets":[],"apiKeys":[],"updated_at":null}""", (await host.ViewAsync()).GetRawText());
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("""{"wallets":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","apiKeys":[]}""", "wallets is not an array")]
    [InlineData("""{"wallets":[],"apiKeys":["dxk_0123456789abcdefghijklmn" """, "not valid JSON (line 1)")]
    public async Task Malformed_file_at_start_exits_2(string content, string reason)
    {
        var path = NewPath();
        Write(path, content);
        // The database is never reached: the file is checked before the host exists.
        var environment = await ServiceBinaryTests.ServiceEnvironmentAsync("postgresql://dixie:secret@127.0.0.1:5/dixie");
        environment["DIXIE_ALLOWLIST_PATH"] = path;

        var (code, stdout, stderr) = await BinaryRun.RunAsync(environment, TimeSpan.FromSeconds(60));

        Assert.Equal(2, code);
        Assert.Equal($"dixie-bff: invalid allowlist file {path}: {reason}\n", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Valid_file_is_loaded_and_counted()
    {
        var path = NewPath();
        var key = NewApiKey();
        Write(path, FileWith([Hardhat0, Hardhat1, Hardhat0.ToLowerInvariant()], [key, Digest(NewApiKey())]));
        await using var host = await StartAsync(path);

        var current = host.Get<CurrentAllowlist>();
        Assert.True(current.Snapshot.ContainsWallet(Hardhat0));
        Assert.True(current.Snapshot.ContainsWallet(Hardhat1));
        Assert.True(current.Snapshot.MatchesApiKey(key));
        var loaded = await host.Logs.WaitForAsync("allowlist_loaded");
        Assert.Equal(2, loaded.Int("wallets"));
        Assert.Equal(2, loaded.Int("api_keys"));
        Assert.DoesNotContain(key, host.Logs.AllText, StringComparison.Ordinal);
    }
}
