using System.Text.RegularExpressions;
using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Tests.Infrastructure;

namespace Dixie.Bff.Tests.Outbox;

public sealed partial class SignalSchemaTests
{
    // Spec 10 §2.2: the type and subject of every signal, in the order of SampleSignals.All().
    private static readonly (string Type, string Subject)[] Table =
    [
        ("chat.interaction", "dixie.signal.interaction"),
        ("reputation.event_applied", "dixie.signal.reputation"),
        ("fleet.agent_spawned", "dixie.signal.fleet.agent_spawned"),
        ("fleet.agent_completed", "dixie.signal.fleet.agent_completed"),
        ("fleet.agent_failed", "dixie.signal.fleet.agent_failed"),
        ("fleet.agent_cancelled", "dixie.signal.fleet.agent_cancelled"),
        ("fleet.agent_retrying", "dixie.signal.fleet.agent_retrying"),
        ("fleet.task_status_changed", "dixie.signal.fleet.task_status_changed"),
        ("fleet.spawn_denied", "dixie.signal.fleet.spawn_denied"),
        ("governance.allowlist_entry_added", "dixie.signal.governance"),
        ("governance.allowlist_entry_removed", "dixie.signal.governance"),
        ("governance.allowlist_reloaded", "dixie.signal.governance"),
    ];

    [GeneratedRegex("0x[0-9a-fA-F]{40}")]
    private static partial Regex RawWallet();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoMillis();

    [Fact]
    public void Every_payload_has_the_documented_type_and_subject()
    {
        Assert.Equal(Table, SampleSignals.All().Select(sample => (sample.Data.Type, sample.Data.Subject)));
    }

    [Fact]
    public async Task Each_signal_matches_its_schema()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var host = await OutboxTestHost.StartAsync(nats.Url);
        var samples = SampleSignals.All();
        var written = new Dictionary<string, (ISignalData Data, string[] Fields)>();
        foreach (var sample in samples)
            written[(await host.WriteAsync(sample.Data))!.Value.ToString()] = sample;

        await host.WaitUntilPublishedAsync(samples.Count, TimeSpan.FromSeconds(20));
        var messages = await SignalStreamContents.ReadAllAsync(nats.Url);

        Assert.Equal(samples.Count, messages.Count);
        foreach (var message in messages)
        {
            var (data, fields) = written[message.MsgId!];
            var body = message.Body;
            Assert.Equal(["data", "id", "occurred_at", "subject", "type"], body.EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal(message.MsgId, body.GetProperty("id").GetString());
            Assert.Equal(7, Guid.Parse(message.MsgId!).Version);
            Assert.Equal(message.MsgId!.ToLowerInvariant(), message.MsgId);
            Assert.Equal(data.Type, body.GetProperty("type").GetString());
            Assert.Equal(data.Subject, body.GetProperty("subject").GetString());
            Assert.Equal(data.Subject, message.Subject);
            Assert.Matches(IsoMillis(), body.GetProperty("occurred_at").GetString());
            Assert.Equal(fields.Order(), body.GetProperty("data").EnumerateObject().Select(p => p.Name).Order());
            Assert.DoesNotMatch(RawWallet(), body.GetRawText());
        }

        var chat = messages.Single(m => m.Subject == SignalSubjects.Interaction).Body.GetProperty("data");
        Assert.Equal("wallet", chat.GetProperty("caller_kind").GetString());
        Assert.Equal("dffe1949d232", chat.GetProperty("wallet_hash").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, chat.GetProperty("model").ValueKind);
        var completed = messages.Single(m => m.Subject.EndsWith("agent_completed", StringComparison.Ordinal)).Body.GetProperty("data");
        Assert.Equal("pr_created", completed.GetProperty("outcome").GetString());
        var denied = messages.Single(m => m.Subject.EndsWith("spawn_denied", StringComparison.Ordinal)).Body.GetProperty("data");
        Assert.Equal("tier_not_permitted", denied.GetProperty("denial_reason").GetString());
        var reload = messages.Single(m => m.Body.GetProperty("type").GetString() == "governance.allowlist_reloaded").Body.GetProperty("data");
        Assert.Equal("file", reload.GetProperty("actor").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, reload.GetProperty("entry_kind").ValueKind);

        var metrics = await host.Client.GetStringAsync("/metrics");
        foreach (var family in new[] { "interaction", "reputation", "fleet", "governance" })
            Assert.Matches($"dixie_outbox_published_total\\{{[^}}]*family=\"{family}\"", metrics);
    }

    [Theory]
    [InlineData("dixie.fleet.agent_spawned")]
    [InlineData("dixie.signal.")]
    [InlineData("dixie.signal.fleet.*")]
    [InlineData("dixie.signal.>")]
    [InlineData("dixie.signal.a b")]
    [InlineData("dixie.signal..x")]
    public void Subjects_outside_the_signal_stream_are_refused(string subject)
    {
        Assert.False(SignalSubjects.IsValid(subject));
    }

    [Fact]
    public void Subjects_map_to_the_four_metric_families()
    {
        Assert.Equal("interaction", SignalSubjects.Family("dixie.signal.interaction"));
        Assert.Equal("reputation", SignalSubjects.Family("dixie.signal.reputation"));
        Assert.Equal("fleet", SignalSubjects.Family("dixie.signal.fleet.spawn_denied"));
        Assert.Equal("governance", SignalSubjects.Family("dixie.signal.governance"));
    }

    [Fact]
    public void Dedup_keys_follow_the_table()
    {
        var id = Guid.Parse("0193d5a2-6f1e-7c3a-8b2d-4e5f60718293");
        Assert.Equal("chat:s_81f2:m1", SignalDedupKeys.Chat("s_81f2", "m1"));
        Assert.Equal("reputation:0193d5a2-6f1e-7c3a-8b2d-4e5f60718293", SignalDedupKeys.Reputation(id));
        Assert.Equal("fleet:0193d5a2-6f1e-7c3a-8b2d-4e5f60718293:3", SignalDedupKeys.Fleet(id, 3));
        // SHA-256 of the empty file.
        Assert.Equal("governance:allowlist:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", SignalDedupKeys.Governance([]));
    }

    [Fact]
    public void Backoff_follows_the_table()
    {
        double[] table = [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300];
        Assert.Equal(table, Enumerable.Range(1, table.Length).Select(n => OutboxBackoff.After(n).TotalSeconds));
        Assert.Equal(300, OutboxBackoff.After(1000).TotalSeconds);
    }
}
