using System.Net;
using System.Text.Json;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Features.Governance.Mutations;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;
using static Dixie.Bff.Tests.Allowlist.AllowlistTesting;

namespace Dixie.Bff.Tests.Allowlist;

/// <summary>Spec 04 §5.4 and §7.4: file, audit entry, mutation row and signal change together or not at all.</summary>
public sealed class AllowlistAtomicityTests
{
    private const string CountAudit = "SELECT count(*) FROM audit_entries WHERE resource_type = 'allowlist'";

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Admin_change_writes_audit_and_mutation_atomically()
    {
        var path = NewPath();
        await using var host = await StartAsync(path);
        var key = NewApiKey();
        var fingerprint = Digest(key)["sha256:".Length..][..12];

        await ChangedAsync(await host.AddAsync("wallet", Hardhat0), HttpStatusCode.Created);
        await ChangedAsync(await host.AddAsync("apiKey", key), HttpStatusCode.Created);
        await ChangedAsync(await host.RemoveAsync(Hardhat0), HttpStatusCode.OK);

        var audit = await RowsAsync(host, "SELECT entry_id::text, event_type, actor_id, payload::text FROM audit_entries WHERE resource_type = 'allowlist' ORDER BY created_at");
        Assert.Equal(["allowlist.entry.added", "allowlist.entry.added", "allowlist.entry.removed"], audit.Select(r => r[1]));
        Assert.All(audit, r => Assert.Equal("admin", r[2]));
        Assert.Equal("""{"type":"wallet","wallet":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","version":1}""", Canonical(audit[0][3]));
        Assert.Equal($$"""{"type":"apiKey","key_fingerprint":"{{fingerprint}}","version":1}""", Canonical(audit[1][3]));
        Assert.All(audit, r => Assert.DoesNotContain("dxk_", r[3], StringComparison.Ordinal));
        Assert.True((await host.Get<AuditVerifier>().VerifyAsync("allowlist", CancellationToken.None)).Valid);

        var mutations = await RowsAsync(host, "SELECT mutation_type, actor_id, session_id::text, payload::text FROM governance_mutations WHERE resource_type = 'allowlist' ORDER BY created_at");
        Assert.Equal(audit.Select(r => r[1]), mutations.Select(r => r[0]));
        Assert.All(mutations, r => Assert.Equal("admin", r[1]));
        Assert.All(mutations, r => Assert.Equal(host.Get<MutationLog>().SessionId.ToString(), r[2]));
        Assert.Equal(audit.Select(r => Canonical(r[3])), mutations.Select(r => Canonical(r[3])));

        var signals = await RowsAsync(host, "SELECT payload::text FROM event_outbox WHERE subject = 'dixie.signal.governance' ORDER BY created_at");
        var data = signals.Select(r => JsonDocument.Parse(r[0]).RootElement.GetProperty("data")).ToList();
        Assert.Equal(["allowlist_entry_added", "allowlist_entry_added", "allowlist_entry_removed"], data.Select(d => d.GetProperty("action").GetString()));
        Assert.Equal(audit.Select(r => r[0]), data.Select(d => d.GetProperty("audit_entry_id").GetString()));
        Assert.Equal([Redaction.Hash12(Hardhat0), fingerprint, Redaction.Hash12(Hardhat0)], data.Select(d => d.GetProperty("entry_hash").GetString()));
        Assert.Equal(["wallet", "api_key", "wallet"], data.Select(d => d.GetProperty("entry_kind").GetString()));
        Assert.Equal([1, 1, 0], data.Select(d => d.GetProperty("wallet_count").GetInt32()));
        Assert.Equal("admin", data[0].GetProperty("actor").GetString());
        var changed = host.Logs.Events("allowlist_changed");
        Assert.Equal(3, changed.Count);
        Assert.Equal(Redaction.Hash12(Hardhat0), changed[0].String("entry_hash"));
        Assert.DoesNotContain(key, host.Logs.AllText, StringComparison.Ordinal);

        // PostgreSQL stopped: 503 and the file exactly as it was.
        await using var server = await PostgresServer.StartAsync();
        var privatePath = NewPath();
        await using var isolated = await StartAsync(privatePath, databaseUrl: await server.CreateDatabaseAsync());
        await ChangedAsync(await isolated.AddAsync("wallet", Hardhat0), HttpStatusCode.Created);
        var before = File.ReadAllBytes(privatePath);
        await server.StopAsync();
        await ErrorAssert.IsErrorAsync(await isolated.AddAsync("wallet", Hardhat1), HttpStatusCode.ServiceUnavailable, "database_unavailable");
        await ErrorAssert.IsErrorAsync(await isolated.RemoveAsync(Hardhat0), HttpStatusCode.ServiceUnavailable, "database_unavailable");
        Assert.Equal(before, File.ReadAllBytes(privatePath));
        Assert.True(isolated.Get<CurrentAllowlist>().Snapshot.ContainsWallet(Hardhat0));
        Assert.False(isolated.Get<CurrentAllowlist>().Snapshot.ContainsWallet(Hardhat1));
    }

    [Fact]
    public async Task Failed_commit_puts_the_previous_file_back()
    {
        var path = NewPath();
        var (started, failNextCommit) = await StartWithCommitFailureAsync(path);
        await using var host = started;
        await ChangedAsync(await host.AddAsync("wallet", Hardhat0), HttpStatusCode.Created);
        var before = File.ReadAllBytes(path);

        failNextCommit();
        var response = await host.AddAsync("wallet", Hardhat1);

        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "database_unavailable", "Database unavailable");
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(1, await host.CountAsync(CountAudit));
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM governance_mutations WHERE resource_type = 'allowlist'"));
        Assert.False(host.Get<CurrentAllowlist>().Snapshot.ContainsWallet(Hardhat1));
        // The next change goes through.
        await ChangedAsync(await host.AddAsync("wallet", Hardhat1), HttpStatusCode.Created);
        Assert.Equal(2, await host.CountAsync(CountAudit));
    }

    [Fact]
    public async Task A_failed_first_commit_leaves_an_empty_list_rather_than_no_file()
    {
        var path = NewPath();
        var (started, failNextCommit) = await StartWithCommitFailureAsync(path);
        await using var host = started;
        Assert.False(File.Exists(path));

        failNextCommit();
        var response = await host.AddAsync("wallet", Hardhat0);

        // Another instance may have reloaded the uncommitted file already; an empty list (what no file
        // means) makes it drop the entry again, where a deleted file would leave it in force there.
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "database_unavailable", "Database unavailable");
        using var restored = JsonDocument.Parse(File.ReadAllBytes(path));
        Assert.Equal(0, restored.RootElement.GetProperty("wallets").GetArrayLength());
        Assert.Equal(0, restored.RootElement.GetProperty("apiKeys").GetArrayLength());
        Assert.False(host.Get<CurrentAllowlist>().Snapshot.ContainsWallet(Hardhat0));
        Assert.Equal(0, await host.CountAsync(CountAudit));
    }

    /// <summary>
    /// A host on a database of its own whose next admin write, once armed, loses its database session
    /// between the file replacement and COMMIT: a real commit failure.
    /// </summary>
    private static async Task<(DixieHost Host, Action FailNextCommit)> StartWithCommitFailureAsync(string path)
    {
        var armed = 0;
        var databaseUrl = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        var hook = new AllowlistWriteHook(async (stage, connection) =>
        {
            if (stage != AllowlistWriteStage.BeforeCommit || Interlocked.Exchange(ref armed, 0) == 0) return;
            await TerminateAsync(databaseUrl, connection.ProcessID);
        });
        var host = await StartAsync(path, databaseUrl: databaseUrl, hook: hook);
        return (host, () => Interlocked.Exchange(ref armed, 1));
    }

    [Fact]
    public async Task Failed_file_write_rolls_the_transaction_back()
    {
        var path = NewPath();
        var armed = 0;
        var hook = new AllowlistWriteHook((stage, _) =>
            stage == AllowlistWriteStage.BeforeFileWrite && Interlocked.Exchange(ref armed, 0) == 1
                ? throw new IOException("No space left on device")
                : Task.CompletedTask);
        await using var host = await StartAsync(path, hook: hook);
        await ChangedAsync(await host.AddAsync("wallet", Hardhat0), HttpStatusCode.Created);
        var before = File.ReadAllBytes(path);

        Interlocked.Exchange(ref armed, 1);
        var body = await ErrorAssert.IsErrorAsync(await host.AddAsync("wallet", Hardhat1), HttpStatusCode.InternalServerError, "internal_error");

        Assert.True(body.TryGetProperty("request_id", out _));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(1, await host.CountAsync(CountAudit));
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM event_outbox WHERE subject = 'dixie.signal.governance'"));
        Assert.False(host.Get<CurrentAllowlist>().Snapshot.ContainsWallet(Hardhat1));
    }

    [Fact]
    public async Task Concurrent_admin_writes_from_two_instances_lose_nothing()
    {
        var databaseUrl = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        var path = NewPath();
        // A generous lock wait: this test is about losing nothing, not about the 5 s budget on a loaded machine.
        var options = new AllowlistOptions { LockTimeout = TimeSpan.FromSeconds(60) };
        await using var a = await StartAsync(path, options, databaseUrl);
        await using var b = await StartAsync(path, options, databaseUrl);
        var wallets = Enumerable.Range(0, 40).Select(_ => NewWallet()).ToList();

        var responses = await Task.WhenAll(wallets.Select((wallet, i) => (i % 2 == 0 ? a : b).AddAsync("wallet", wallet)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(wallets.Order(StringComparer.Ordinal), ReadFile(path).GetProperty("wallets").Strings().Order(StringComparer.Ordinal));
        Assert.Equal(40, await a.CountAsync(CountAudit));
        Assert.Equal(40, await a.CountAsync("SELECT count(*) FROM governance_mutations WHERE resource_type = 'allowlist'"));
        var verification = await a.Get<AuditVerifier>().VerifyAsync("allowlist", CancellationToken.None);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(40, verification.EntriesChecked);
        await Eventually.TrueAsync(() => a.Get<CurrentAllowlist>().Snapshot.WalletCount == 40 && b.Get<CurrentAllowlist>().Snapshot.WalletCount == 40,
            TimeSpan.FromSeconds(5), "both instances listing all 40 wallets");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Write_is_atomic()
    {
        var path = NewPath();
        await using var host = await StartAsync(path);
        var wallet = NewWallet();
        await ChangedAsync(await host.AddAsync("wallet", Hardhat0), HttpStatusCode.Created);
        // A file the service creates is readable by its owner only.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        using var stop = new CancellationTokenSource();
        var reads = 0;
        var problems = new List<string>();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!AllowlistDocument.TryParse(File.ReadAllBytes(path), out _, out var reason)) problems.Add(reason);
                Interlocked.Increment(ref reads);
                // About a thousand reads a second, without starving the writer of a core.
                await Task.Delay(1);
            }
        });
        // At least 100 add/remove pairs, and more until the reader has looked often enough to have met
        // writes in progress, however fast or slow this machine is right now.
        var pairs = 0;
        while (pairs < 100 || (Volatile.Read(ref reads) < 300 && pairs < 2000))
        {
            await ChangedAsync(await host.AddAsync("wallet", wallet), HttpStatusCode.Created);
            await ChangedAsync(await host.RemoveAsync(wallet), HttpStatusCode.OK);
            pairs++;
        }
        await stop.CancelAsync();
        await reader;

        Assert.Empty(problems);
        Assert.True(reads >= 300, $"only {reads} reads");
        Assert.Equal(1 + 2 * pairs, await host.CountAsync(CountAudit));
        // No temporary file is left behind, and a file's mode survives a rewrite.
        Assert.Equal(["allowlist.json", "allowlist.json.lock"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        await ChangedAsync(await host.AddAsync("wallet", wallet), HttpStatusCode.Created);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }

    private static async Task TerminateAsync(string databaseUrl, int processId)
    {
        await using var connection = new NpgsqlConnection(databaseUrl);
        await connection.OpenAsync();
        await using (var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", connection))
        {
            terminate.Parameters.AddWithValue("pid", processId);
            await terminate.ExecuteScalarAsync();
        }
        // pg_terminate_backend only signals; wait until the session is really gone.
        await Eventually.TrueAsync(async () =>
        {
            await using var check = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pid = @pid", connection);
            check.Parameters.AddWithValue("pid", processId);
            return (long)(await check.ExecuteScalarAsync())! == 0;
        });
    }

    private static async Task<List<string[]>> RowsAsync(DixieHost host, string sql)
    {
        await using var command = host.Get<NpgsqlDataSource>().CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i))]);
        return rows;
    }

    /// <summary>JSONB re-orders members; compare payloads with members in the order the spec lists them.</summary>
    private static string Canonical(string json)
    {
        var element = JsonDocument.Parse(json).RootElement;
        var order = new[] { "type", "wallet", "key_fingerprint", "version" };
        var members = element.EnumerateObject().OrderBy(p => Array.IndexOf(order, p.Name)).Select(p => $"\"{p.Name}\":{p.Value.GetRawText()}");
        return "{" + string.Join(",", members) + "}";
    }
}
