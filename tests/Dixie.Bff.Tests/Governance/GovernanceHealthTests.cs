using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Features.Governance;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Dixie.Bff.Tests.Governance;

/// <summary>
/// Each test starts its own host (and database), because breaking an invariant breaks it for every
/// reader of that host.
/// </summary>
[Trait("Category", "Security")]
public sealed class GovernanceHealthTests
{
    private static readonly string[] KnownOrder = ["reputation", "fleet", "audit", "allowlist"];

    private static async Task<(DixieHost Host, string Path)> StartAsync(Action<IServiceCollection>? services = null,
        Dictionary<string, string?>? environment = null)
    {
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith([AllowlistTesting.NewWallet()]));
        var options = new DixieHostOptions { Environment = { ["DIXIE_ALLOWLIST_PATH"] = path }, ConfigureServices = services };
        foreach (var (name, value) in environment ?? []) options.Environment[name] = value;
        return (await DixieHost.StartAsync(options), path);
    }

    private static async Task<JsonElement> GovernanceAsync(DixieHost host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health/governance");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static async Task ExecuteAsync(DixieHost host, string sql)
    {
        await using var command = host.Get<Npgsql.NpgsqlDataSource>().CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static JsonElement Governor(JsonElement report, string type) =>
        report.GetProperty("governors").EnumerateArray().Single(g => g.GetProperty("resourceType").GetString() == type);

    private static async Task<JsonElement> HealthSummaryAsync(DixieHost host) =>
        JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement.GetProperty("governance");

    [Fact]
    public async Task Governance_health_lists_the_governors()
    {
        var (host, _) = await StartAsync();
        await using var lifetime = host;
        var report = await GovernanceAsync(host);
        var types = report.GetProperty("governors").EnumerateArray().Select(g => g.GetProperty("resourceType").GetString()!).ToList();
        Assert.Contains("audit", types);
        Assert.Contains("allowlist", types);
        // The known types keep the fixed order of spec 08 §1.1.
        Assert.Equal(KnownOrder.Where(types.Contains), types.Where(KnownOrder.Contains));
        Assert.Equal(types.Count, report.GetProperty("totalResources").GetInt32());
        Assert.Equal(0, report.GetProperty("degradedResources").GetInt32());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", report.GetProperty("timestamp").GetString()!);

        var allowlist = Governor(report, "allowlist");
        Assert.Equal("healthy", allowlist.GetProperty("health").GetProperty("status").GetString());
        Assert.Equal(1, allowlist.GetProperty("health").GetProperty("totalItems").GetInt64());
        Assert.Equal(["ALW-001", "ALW-002"], allowlist.GetProperty("invariants").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.False(allowlist.TryGetProperty("error", out _));
        Assert.Equal("AUD-001", Governor(report, "audit").GetProperty("invariants")[0].GetProperty("id").GetString());

        var summary = await HealthSummaryAsync(host);
        Assert.Equal(types.Count, summary.GetProperty("governor_count").GetInt32());
        Assert.Equal(types, summary.GetProperty("resource_types").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal("healthy", summary.GetProperty("health").GetString());
    }

    [Fact]
    public async Task Malformed_allowlist_reload_turns_the_allowlist_governor_degraded_until_repaired()
    {
        var (host, path) = await StartAsync();
        await using var lifetime = host;
        var good = File.ReadAllText(path);
        AllowlistTesting.Write(path, """{"version":1,"wallets":[""");
        await host.Get<AllowlistReloader>().ReloadNowAsync(default);

        var report = await GovernanceAsync(host);
        var allowlist = Governor(report, "allowlist");
        Assert.Equal("degraded", allowlist.GetProperty("health").GetProperty("status").GetString());
        var alw002 = allowlist.GetProperty("invariants").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "ALW-002");
        Assert.False(alw002.GetProperty("satisfied").GetBoolean());
        Assert.Equal(1, report.GetProperty("degradedResources").GetInt32());
        Assert.Equal("degraded", (await HealthSummaryAsync(host)).GetProperty("health").GetString());

        AllowlistTesting.Write(path, good + " ");
        await host.Get<AllowlistReloader>().ReloadNowAsync(default);
        Assert.Equal("healthy", Governor(await GovernanceAsync(host), "allowlist").GetProperty("health").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Duplicate_wallet_breaks_alw_001()
    {
        var (host, path) = await StartAsync();
        await using var lifetime = host;
        var wallet = AllowlistTesting.NewWallet();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith([wallet, wallet.ToLowerInvariant()]));
        Assert.True(await host.Get<AllowlistReloader>().ReloadNowAsync(default));
        var allowlist = Governor(await GovernanceAsync(host), "allowlist");
        var alw001 = allowlist.GetProperty("invariants").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "ALW-001");
        Assert.False(alw001.GetProperty("satisfied").GetBoolean());
        Assert.DoesNotContain(wallet.ToLowerInvariant(), alw001.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Tampered_audit_entry_turns_the_audit_governor_degraded_until_repaired()
    {
        var (host, _) = await StartAsync();
        await using var lifetime = host;
        Assert.Equal(HttpStatusCode.Created, (await host.AddAsync("wallet", AllowlistTesting.NewWallet())).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.AddAsync("wallet", AllowlistTesting.NewWallet())).StatusCode);
        Assert.Equal(2, Governor(await GovernanceAsync(host), "allowlist").GetProperty("health").GetProperty("version").GetInt64());
        // Entries not yet verified are stale, which alone never degrades.
        var audit = Governor(await GovernanceAsync(host), "audit");
        Assert.Equal("healthy", audit.GetProperty("health").GetProperty("status").GetString());

        const string first = "(SELECT entry_id FROM audit_entries WHERE resource_type = 'allowlist' ORDER BY created_at LIMIT 1)";
        await using (var read = host.Get<Npgsql.NpgsqlDataSource>().CreateCommand($"SELECT payload::text FROM audit_entries WHERE entry_id = {first}"))
        {
            var original = (string)(await read.ExecuteScalarAsync())!;
            await ExecuteAsync(host, $"UPDATE audit_entries SET payload = '{{\"x\":1}}' WHERE entry_id = {first}");
            var monitor = host.Get<AuditChainMonitor>();
            await monitor.RunOnceAsync(default);
            audit = Governor(await GovernanceAsync(host), "audit");
            Assert.Equal("degraded", audit.GetProperty("health").GetProperty("status").GetString());
            Assert.False(audit.GetProperty("invariants")[0].GetProperty("satisfied").GetBoolean());

            await ExecuteAsync(host, $"UPDATE audit_entries SET payload = '{original.Replace("'", "''")}'::jsonb WHERE entry_id = {first}");
            await monitor.RunOnceAsync(default);
            audit = Governor(await GovernanceAsync(host), "audit");
            Assert.Equal("healthy", audit.GetProperty("health").GetProperty("status").GetString());
            Assert.Equal(0, audit.GetProperty("health").GetProperty("staleItems").GetInt64());
        }
    }

    private sealed class SlowGovernor : IGovernor
    {
        public string ResourceType => "slow";
        public async Task<GovernorCheck> CheckAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None);
            return new GovernorCheck(0, 0, 0, []);
        }
    }

    private sealed class CountingGovernor : IGovernor
    {
        private int _checks;
        public int Checks => _checks;
        public string ResourceType => "counting";
        public Task<GovernorCheck> CheckAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _checks);
            return Task.FromResult(new GovernorCheck(0, 0, 0, []));
        }
    }

    [Fact]
    public async Task A_check_that_times_out_has_null_health_and_an_error()
    {
        var (host, _) = await StartAsync(s => s.AddSingleton<IGovernor, SlowGovernor>());
        await using var lifetime = host;
        var report = await GovernanceAsync(host);
        var slow = Governor(report, "slow");
        Assert.Equal(JsonValueKind.Null, slow.GetProperty("health").ValueKind);
        Assert.Empty(slow.GetProperty("invariants").EnumerateArray());
        Assert.Equal("check timed out after 2 s", slow.GetProperty("error").GetString());
        Assert.Equal(0, report.GetProperty("degradedResources").GetInt32());
        Assert.Equal("slow", report.GetProperty("governors").EnumerateArray().Last().GetProperty("resourceType").GetString());
        Assert.Equal("degraded", (await HealthSummaryAsync(host)).GetProperty("health").GetString());
    }

    [Fact]
    public async Task Health_summary_is_served_from_the_snapshot()
    {
        var counting = new CountingGovernor();
        var (host, _) = await StartAsync(s => s.AddSingleton<IGovernor>(counting));
        await using var lifetime = host;
        await HealthSummaryAsync(host);
        var before = counting.Checks;
        for (var i = 0; i < 10; i++) await HealthSummaryAsync(host);
        // At most one 30 s refresh can fall inside the loop.
        Assert.InRange(counting.Checks - before, 0, 1);
        await GovernanceAsync(host);
        Assert.True(counting.Checks > before);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized, "unauthorized", "Admin key required")]
    [InlineData("wrong-key-0123456789", HttpStatusCode.Forbidden, "forbidden", "Invalid admin key")]
    public async Task Governance_health_needs_the_admin_key(string? key, HttpStatusCode status, string error, string message)
    {
        var (host, _) = await StartAsync();
        await using var lifetime = host;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health/governance");
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await host.Client.SendAsync(request);
        await ErrorAssert.IsErrorAsync(response, status, error, message);
    }

    [Fact]
    public async Task Governance_health_fails_closed_without_an_admin_key_configured()
    {
        var (host, _) = await StartAsync(environment: new() { ["DIXIE_ADMIN_KEY"] = null });
        await using var lifetime = host;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health/governance");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminKey);
        using var response = await host.Client.SendAsync(request);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Admin API not configured");
    }
}
