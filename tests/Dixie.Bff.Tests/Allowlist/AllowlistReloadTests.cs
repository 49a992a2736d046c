using System.Security.Cryptography;
using System.Text.Json;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.Logging;
using static Dixie.Bff.Tests.Allowlist.AllowlistTesting;

namespace Dixie.Bff.Tests.Allowlist;

/// <summary>Spec 04 §5.2–§5.3: reloads while running.</summary>
[Trait("Category", "Security")]
public sealed class AllowlistReloadTests
{
    private static readonly TimeSpan ReloadWithin = TimeSpan.FromSeconds(3);

    [Theory]
    [InlineData("watcher")]
    [InlineData("poll")]
    public async Task Edited_file_is_reloaded_without_restart(string trigger)
    {
        // Each path alone: the watcher without the periodic check, and the check without a watcher.
        var options = trigger == "watcher" ? new AllowlistOptions { PollInterval = null } : new AllowlistOptions { WatchDirectory = false };
        var path = NewPath();
        Write(path, FileWith([Hardhat0]));
        await using var host = await StartAsync(path, options);
        var current = host.Get<CurrentAllowlist>();
        Assert.True(current.Snapshot.ContainsWallet(Hardhat0));
        var loadedAt = current.LoadedAt;

        var added = NewWallet();
        Write(path, FileWith([Hardhat0, added]));
        await Eventually.TrueAsync(() => current.Snapshot.ContainsWallet(added), ReloadWithin, "the added wallet taking effect");
        Assert.True(current.LoadedAt > loadedAt);

        Write(path, FileWith([added]));
        await Eventually.TrueAsync(() => !current.Snapshot.ContainsWallet(Hardhat0), ReloadWithin, "the removed wallet losing access");
        Assert.True(current.Snapshot.ContainsWallet(added));
        Assert.Equal(1, host.Logs.Events("allowlist_loaded")[^1].Int("wallets"));
    }

    [Fact]
    public async Task Text_that_is_not_unicode_is_a_malformed_file_and_reloads_carry_on()
    {
        var path = NewPath();
        Write(path, FileWith([Hardhat0]));
        await using var host = await StartAsync(path);
        var current = host.Get<CurrentAllowlist>();

        // Well-formed JSON structure whose strings cannot be read: a Latin-1 byte, then a lone surrogate.
        File.WriteAllBytes(path, [.. "{\"wallets\":[\"caf"u8, 0xE9, .. "\"]}"u8]);
        Assert.Equal("not valid JSON", (await host.Logs.WaitForAsync("allowlist_reload_failed", timeout: ReloadWithin)).String("reason"));
        Write(path, """{"wallets":["\ud800"]}""");
        await Eventually.TrueAsync(() => host.Logs.Events("allowlist_reload_failed").Count(l => l.String("reason") == "not valid JSON") >= 2,
            ReloadWithin, "the second malformed file refused");
        Assert.True(current.Snapshot.ContainsWallet(Hardhat0));

        // The watcher and the poll loop are still alive: the next good file is taken.
        Write(path, FileWith([Hardhat1]));
        await Eventually.TrueAsync(() => current.Snapshot.ContainsWallet(Hardhat1), ReloadWithin, "the good file reloaded");
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Critical || e.Text.Contains("unhandled", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Malformed_file_keeps_last_good_list()
    {
        var path = NewPath();
        var key = NewApiKey();
        Write(path, FileWith([Hardhat0], [key]));
        await using var host = await StartAsync(path);
        var current = host.Get<CurrentAllowlist>();
        var reloader = host.Get<AllowlistReloader>();

        Write(path, $$"""{"wallets":["{{Hardhat1}}" """);
        var failure = await host.Logs.WaitForAsync("allowlist_reload_failed", timeout: ReloadWithin);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Equal("not valid JSON (line 1)", failure.String("reason"));
        Assert.Equal("not valid JSON (line 1)", reloader.LastReloadFailure);
        Assert.True(current.Snapshot.ContainsWallet(Hardhat0));
        Assert.False(current.Snapshot.ContainsWallet(Hardhat1));
        Assert.True(current.Snapshot.MatchesApiKey(key));
        Assert.Equal([Hardhat0], (await host.ViewAsync()).GetProperty("wallets").Strings());
        await Eventually.TrueAsync(async () => System.Text.RegularExpressions.Regex.IsMatch(
            await host.Client.GetStringAsync("/metrics"), @"(?m)^dixie_allowlist_reload_failures_total(\{[^}]*\})? [1-9]"),
            what: "the reload failure counted in /metrics");

        // A file that disappears keeps the list as well: only an explicit empty list empties it.
        File.Delete(path);
        await host.Logs.WaitForAsync("allowlist_reload_failed", l => l.String("reason") == "the file has disappeared", ReloadWithin);
        Assert.True(current.Snapshot.ContainsWallet(Hardhat0));

        Write(path, FileWith([Hardhat1]));
        await Eventually.TrueAsync(() => current.Snapshot.ContainsWallet(Hardhat1) && !current.Snapshot.ContainsWallet(Hardhat0),
            ReloadWithin, "the corrected file taking effect");
        Assert.False(current.Snapshot.MatchesApiKey(key));
        Assert.Null(reloader.LastReloadFailure);
    }

    [Fact]
    public async Task Invalid_entries_are_skipped_with_warning()
    {
        var path = NewPath();
        Write(path, $$"""{"wallets":["{{Hardhat0}}","0xnot-an-address","{{Hardhat1}}"],"apiKeys":["not-a-key"]}""");
        await using var host = await StartAsync(path);

        var current = host.Get<CurrentAllowlist>();
        Assert.Equal(2, current.Snapshot.WalletCount);
        Assert.Equal(0, current.Snapshot.ApiKeyCount);
        var wallet = await host.Logs.WaitForAsync("allowlist_entry_invalid", l => l.String("member") == "wallets");
        Assert.Equal(LogLevel.Warning, wallet.Level);
        Assert.Equal(1, wallet.Int("index"));
        var key = await host.Logs.WaitForAsync("allowlist_entry_invalid", l => l.String("member") == "apiKeys");
        Assert.Equal(0, key.Int("index"));
        Assert.DoesNotContain("not-a-key", host.Logs.AllText, StringComparison.Ordinal);
        var loaded = await host.Logs.WaitForAsync("allowlist_loaded");
        Assert.Equal(2, loaded.Int("wallets"));
        Assert.Equal([Hardhat0, Hardhat1], (await host.ViewAsync()).GetProperty("wallets").Strings());
    }

    [Fact]
    public async Task Reload_now_reads_the_file_at_once_and_confirms_an_unchanged_list()
    {
        var path = NewPath();
        Write(path, FileWith([Hardhat0]));
        // Neither trigger runs: only the explicit call can see the edit.
        await using var host = await StartAsync(path, new AllowlistOptions { WatchDirectory = false, PollInterval = null });
        var current = host.Get<CurrentAllowlist>();
        var reloader = host.Get<AllowlistReloader>();

        Write(path, FileWith([Hardhat1]));
        Assert.True(await reloader.ReloadNowAsync(CancellationToken.None));
        Assert.True(current.Snapshot.ContainsWallet(Hardhat1));
        Assert.False(current.Snapshot.ContainsWallet(Hardhat0));

        var snapshot = current.Snapshot;
        var loadedAt = current.LoadedAt;
        await Task.Delay(20);
        Assert.True(await reloader.ReloadNowAsync(CancellationToken.None));
        Assert.Same(snapshot, current.Snapshot);
        Assert.True(current.LoadedAt > loadedAt);

        Write(path, "[]");
        Assert.False(await reloader.ReloadNowAsync(CancellationToken.None));
        Assert.Same(snapshot, current.Snapshot);
    }

    [Fact]
    public async Task One_external_edit_read_by_two_instances_is_one_governance_signal()
    {
        var databaseUrl = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        var path = NewPath();
        Write(path, FileWith([Hardhat0]));
        await using var a = await StartAsync(path, databaseUrl: databaseUrl);
        await using var b = await StartAsync(path, databaseUrl: databaseUrl);

        var wallet = NewWallet();
        var content = FileWith([Hardhat0, wallet]);
        Write(path, content);
        await Eventually.TrueAsync(() => a.Get<CurrentAllowlist>().Snapshot.ContainsWallet(wallet) && b.Get<CurrentAllowlist>().Snapshot.ContainsWallet(wallet), ReloadWithin);
        var signal = await Eventually.ValueAsync(() => SignalsAsync(a, "governance.allowlist_reloaded"), rows => rows.Count == 1);
        await Task.Delay(500);
        Assert.Single(await SignalsAsync(a, "governance.allowlist_reloaded"));
        var (dedupKey, data) = signal[0];
        Assert.Equal("governance:allowlist:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), dedupKey);
        Assert.Equal("allowlist_reloaded", data.GetProperty("action").GetString());
        Assert.Equal("file", data.GetProperty("actor").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("entry_kind").ValueKind);
        Assert.Equal(2, data.GetProperty("wallet_count").GetInt32());

        // A change through A's admin API: B's reload of that content adds nothing.
        var another = NewWallet();
        await ChangedAsync(await a.AddAsync("wallet", another), System.Net.HttpStatusCode.Created);
        await Eventually.TrueAsync(() => b.Get<CurrentAllowlist>().Snapshot.ContainsWallet(another), ReloadWithin);
        await Task.Delay(500);
        Assert.Single(await SignalsAsync(a, "governance.allowlist_reloaded"));
        Assert.Single(await SignalsAsync(a, "governance.allowlist_entry_added"));
    }

    private static async Task<IReadOnlyList<(string DedupKey, JsonElement Data)>> SignalsAsync(DixieHost host, string type)
    {
        await using var command = host.Get<Npgsql.NpgsqlDataSource>().CreateCommand(
            "SELECT dedup_key, payload::text FROM event_outbox WHERE subject = 'dixie.signal.governance' AND payload->>'type' = @type");
        command.Parameters.AddWithValue("type", type);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, JsonElement)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), JsonDocument.Parse(reader.GetString(1)).RootElement.GetProperty("data").Clone()));
        return rows;
    }
}
