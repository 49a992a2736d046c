using System.Net;
using System.Text.Json.Nodes;
using Dixie.Bff.Tests.Support;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>Spec 06 §14 item 21 and 28–30: `POST /api/reputation/events`.</summary>
public sealed class ReputationIngestTests(ReputationHostFixture fixture) : IClassFixture<ReputationHostFixture>
{
    [Fact]
    public async Task A_single_event_and_an_array_are_accepted()
    {
        var agent = NewAgent();
        var single = await fixture.Admin.IngestAsync(Quality(agent, 0.8));
        Assert.Equal(1, single.GetProperty("accepted").GetInt32());
        Assert.Equal(0, single.GetProperty("duplicates").GetInt32());
        Assert.Equal(0, single.GetProperty("rejected").GetArrayLength());
        var summary = single.GetProperty("aggregates")[0];
        Assert.Equal(agent, summary.GetProperty("nft_id").GetString());
        Assert.Equal("warming", summary.GetProperty("state").GetString());
        Assert.Equal(1, summary.GetProperty("sample_count").GetInt64());

        var other = NewAgent();
        var batch = await fixture.Admin.IngestAsync(Quality(agent, 0.6, 1), TaskCompleted(other, 2), Quality(other, 0.4, 3));
        Assert.Equal(3, batch.GetProperty("accepted").GetInt32());
        var aggregates = batch.GetProperty("aggregates");
        Assert.Equal([agent, other], aggregates.EnumerateArray().Select(a => a.GetProperty("nft_id").GetString()));
        Assert.Equal(2, aggregates[0].GetProperty("sample_count").GetInt64());
        Assert.Equal(1, aggregates[1].GetProperty("sample_count").GetInt64());
    }

    [Fact]
    public async Task Bodies_that_are_not_a_batch_are_invalid_requests()
    {
        await ErrorAssert.IsErrorAsync(await fixture.Admin.PostEventsAsync(new JsonArray()), HttpStatusCode.BadRequest, "invalid_request");
        var tooMany = new JsonArray([.. Enumerable.Range(0, 101).Select(i => (JsonNode)Quality(NewAgent(), 0.5, i))]);
        await ErrorAssert.IsErrorAsync(await fixture.Admin.PostEventsAsync(tooMany), HttpStatusCode.BadRequest, "invalid_request");
        await ErrorAssert.IsErrorAsync(await fixture.Admin.PostEventsAsync(JsonValue.Create(5)), HttpStatusCode.BadRequest, "invalid_request");
        using var malformed = await fixture.Admin.PostAsync("/api/reputation/events", new StringContent("{\"type\":", System.Text.Encoding.UTF8, "application/json"));
        await ErrorAssert.IsErrorAsync(malformed, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        using var response = await fixture.Admin.PostAsync("/api/reputation/events",
            new StringContent(Quality(NewAgent(), 0.5).ToJsonString(), System.Text.Encoding.UTF8, "text/plain"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json");
    }

    [Fact]
    public async Task The_reputation_audit_chain_verifies_after_ingest()
    {
        await fixture.Admin.IngestAsync(Quality(NewAgent(), 0.5), Credential(NewAgent(), 1));
        var verification = await fixture.Host.Get<Dixie.Bff.Features.Governance.Audit.AuditVerifier>().VerifyAsync("reputation", CancellationToken.None);
        Assert.True(verification.Valid);
    }

    [Fact]
    public async Task A_body_over_512_KiB_is_too_large()
    {
        var big = Quality(NewAgent(), 0.5);
        big["collection_id"] = new string('x', 513 * 1024);
        await ErrorAssert.IsErrorAsync(await fixture.Admin.PostEventsAsync(big), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task The_512_KiB_limit_follows_the_route_in_any_spelling()
    {
        // 200 KiB: over the default 100 KiB, within the ingest's own limit, however the path is written.
        var large = Quality(NewAgent(), 0.5);
        large["collection_id"] = new string('x', 200 * 1024);
        using var response = await fixture.Admin.PostAsync("/API/reputation/events/",
            new StringContent(large.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "No valid events in request");
        Assert.Equal("collection_id: must be a string of 1 to 255 characters", body.GetProperty("rejected")[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Mixed_batches_report_rejected_indices_and_all_invalid_is_400()
    {
        var agent = NewAgent();
        var bad = Quality(agent, 2);
        var mixed = await fixture.Admin.IngestAsync(Quality(agent, 0.5), bad);
        Assert.Equal(1, mixed.GetProperty("accepted").GetInt32());
        var rejected = mixed.GetProperty("rejected")[0];
        Assert.Equal(1, rejected.GetProperty("index").GetInt32());
        Assert.Equal("score: must be a number between 0 and 1", rejected.GetProperty("error").GetString());

        using var allBad = await fixture.Admin.PostEventsAsync(new JsonArray(Quality(agent, 2), (JsonNode)With(Quality(agent, 0.5), "foo")));
        var body = await ErrorAssert.IsErrorAsync(allBad, HttpStatusCode.BadRequest, "invalid_request", "No valid events in request");
        Assert.Equal("foo: unknown field", body.GetProperty("rejected")[1].GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_replayed_request_changes_nothing_and_reports_duplicates()
    {
        var agent = NewAgent();
        var first = Quality(agent, 0.7);
        var second = Quality(agent, 0.9, 1);
        var inRequest = await fixture.Admin.IngestAsync(first, second, first);
        Assert.Equal(2, inRequest.GetProperty("accepted").GetInt32());
        Assert.Equal(1, inRequest.GetProperty("duplicates").GetInt32());
        // The mutation row counts the in-request repeat like the answer does (spec 08 §3).
        Assert.Equal("1", await fixture.Host.ScalarAsync(
            "SELECT payload->>'duplicates' FROM governance_mutations WHERE mutation_type = 'reputation.events.ingested' AND payload->'event_ids' ? @id",
            ("id", (string)first["event_id"]!)));

        var before = await SnapshotAsync(agent, first, second);
        var replay = await fixture.Admin.IngestAsync(first, second);
        Assert.Equal(0, replay.GetProperty("accepted").GetInt32());
        Assert.Equal(2, replay.GetProperty("duplicates").GetInt32());
        Assert.Equal(0, replay.GetProperty("aggregates").GetArrayLength());

        // A changed payload under a stored id is still a duplicate.
        var changed = first.DeepClone().AsObject();
        changed["score"] = 0.1;
        Assert.Equal(1, (await fixture.Admin.IngestAsync(changed)).GetProperty("duplicates").GetInt32());
        Assert.Equal(before, await SnapshotAsync(agent, first, second));
    }

    [Fact]
    public async Task Each_accepted_event_writes_one_outbox_row_and_one_audit_entry()
    {
        var agent = NewAgent();
        var quality = Quality(agent, 0.7);
        var task = TaskCompleted(agent, 1);
        await fixture.Admin.IngestAsync(quality, task);

        var payload = JsonNode.Parse((string)(await fixture.Host.ScalarAsync(
            "SELECT payload::text FROM event_outbox WHERE dedup_key = @key", ("key", $"reputation:{quality["event_id"]}")))!)!;
        Assert.Equal("reputation.event_applied", (string?)payload["type"]);
        Assert.Equal("dixie.signal.reputation", (string?)payload["subject"]);
        var data = payload["data"]!.AsObject();
        Assert.Equal(["aggregate_version", "blended_score", "event_id", "event_type", "nft_id", "personal_score", "sample_count", "state", "timestamp"],
            data.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("quality_signal", (string?)data["event_type"]);
        Assert.Equal(0, (int)data["aggregate_version"]!);
        Assert.Equal((string?)payload["occurred_at"], (string?)data["timestamp"]);
        Assert.Equal(2L, await fixture.Host.ScalarAsync("SELECT count(*) FROM event_outbox WHERE dedup_key = ANY(@keys)",
            ("keys", new[] { $"reputation:{quality["event_id"]}", $"reputation:{task["event_id"]}" })));

        var types = await fixture.Host.ScalarAsync(
            "SELECT string_agg(event_type, ',' ORDER BY created_at) FROM audit_entries WHERE resource_type = 'reputation' AND payload->>'nft_id' = @id", ("id", agent));
        Assert.Equal("reputation.score.updated,reputation.event.recorded", types);
    }

    private static JsonObject With(JsonObject ev, string unknownField)
    {
        ev[unknownField] = 1;
        return ev;
    }

    private async Task<string> SnapshotAsync(string agent, JsonObject first, JsonObject second)
    {
        var ids = new[] { Guid.Parse((string)first["event_id"]!), Guid.Parse((string)second["event_id"]!) };
        return string.Join("|",
            await fixture.Host.ScalarAsync("SELECT version::text || ':' || data::text FROM reputation_aggregates WHERE nft_id = @id", ("id", agent)),
            await fixture.Host.ScalarAsync("SELECT count(*) FROM reputation_events WHERE nft_id = @id", ("id", agent)),
            await fixture.Host.ScalarAsync("SELECT count(*) FROM event_outbox WHERE payload->'data'->>'nft_id' = @id", ("id", agent)),
            await fixture.Host.ScalarAsync("SELECT count(*) FROM audit_entries WHERE resource_type = 'reputation' AND payload->>'nft_id' = @id", ("id", agent)),
            await fixture.Host.ScalarAsync("SELECT count(*) FROM governance_mutations WHERE payload->'event_ids' ?| @ids", ("ids", ids.Select(i => i.ToString()).ToArray())));
    }
}
