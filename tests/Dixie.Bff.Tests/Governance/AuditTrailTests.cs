using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;
using Npgsql;

namespace Dixie.Bff.Tests.Governance;

public sealed class AuditTrailTests(AuditHostFixture fixture) : IClassFixture<AuditHostFixture>
{
    [Fact]
    public async Task Appended_entries_form_a_chain_from_genesis()
    {
        var chain = AuditHostFixture.NewChain();
        var first = (await fixture.AppendAsync(chain, new AuditRecord("test.entry.added", "admin", new JsonObject { ["n"] = 1 })))[0];
        var rest = await fixture.AppendAsync(chain, new AuditRecord("test.entry.added", null, null), new AuditRecord("test.entry.added", "system:dixie-bff", null));

        Assert.Equal(AuditHash.Genesis, first.PreviousHash);
        Assert.Equal(first.EntryHash, rest[0].PreviousHash);
        Assert.Equal(rest[0].EntryHash, rest[1].PreviousHash);
        Assert.True(rest[0].CreatedAt < rest[1].CreatedAt, "entries of one transaction must not tie on created_at");
        Assert.Equal($"loa-dixie:audit:{chain}:v10", first.HashDomainTag);
        Assert.Equal(7, first.EntryId.Version);
        Assert.Equal(new AuditVerification(true, 3, null, null), (await fixture.Verifier.VerifyAsync(chain, default)) with { VerifiedThrough = null });
    }

    [Fact]
    public async Task Numbers_and_non_ascii_text_survive_the_jsonb_round_trip()
    {
        var chain = AuditHostFixture.NewChain();
        var payload = new JsonObject
        {
            ["score"] = 0.5272727272727272, ["count"] = 15, ["tiny"] = 1e-7, ["big"] = 1e21,
            ["name"] = "Zoë € 😀 \"quoted\" \n", ["nested"] = new JsonObject { ["z"] = true, ["a"] = new JsonArray(1, "x", null) },
        };
        var written = (await fixture.AppendAsync(chain, new AuditRecord("test.entry.added", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", payload)))[0];

        var verification = await fixture.Verifier.VerifyAsync(chain, default);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(1, verification.EntriesChecked);
        await using var command = fixture.DataSource.CreateCommand("SELECT payload::text FROM audit_entries WHERE entry_id = @id");
        command.Parameters.AddWithValue("id", written.EntryId);
        var stored = JsonNode.Parse((string)(await command.ExecuteScalarAsync())!);
        Assert.Equal(CanonicalJson.Serialize(payload), CanonicalJson.Serialize(stored));
    }

    [Fact]
    public async Task A_given_timestamp_is_normalised_before_hashing_and_storing()
    {
        var chain = AuditHostFixture.NewChain();
        var entry = (await fixture.AppendAsync(chain, new AuditRecord("test.entry.added", null, null, "2026-02-26T01:00:00.000999+01:00")))[0];
        Assert.Equal("2026-02-26T00:00:00.000Z", entry.Timestamp);
        await using var command = fixture.DataSource.CreateCommand("""SELECT "timestamp" FROM audit_entries WHERE entry_id = @id""");
        command.Parameters.AddWithValue("id", entry.EntryId);
        Assert.Equal(new DateTime(2026, 2, 26, 0, 0, 0, DateTimeKind.Utc), (DateTime)(await command.ExecuteScalarAsync())!);
        Assert.True((await fixture.Verifier.VerifyAsync(chain, default)).Valid);
    }

    [Theory]
    [InlineData("Bad-Chain", "test.entry.added", "")]
    [InlineData("ok", "test.entry", "")]
    [InlineData("ok", "test.entry.added", "2026-02-26 00:00:00")]
    [InlineData("ok", "test.entry.added", "1969-12-31T23:59:59Z")]
    public async Task Writer_mistakes_are_refused_and_write_nothing(string chain, string eventType, string timestamp)
    {
        var record = new AuditRecord(eventType, null, null, timestamp.Length == 0 ? null : timestamp);
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.AppendAsync(chain, record));
    }

    [Theory]
    [InlineData(9007199254740993L)]
    [InlineData(9007199254740992L)]
    [InlineData(-9007199254740992L)]
    public async Task Payload_integers_from_2_pow_53_on_are_refused(long value)
    {
        var record = new AuditRecord("test.entry.added", null, new JsonObject { ["id"] = value });
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.AppendAsync(AuditHostFixture.NewChain(), record));
        var safe = new AuditRecord("test.entry.added", null, new JsonObject { ["id"] = 9007199254740991L, ["parsed"] = JsonNode.Parse("[1e300, 12345678901234567890.5]") });
        Assert.Single(await fixture.AppendAsync(AuditHostFixture.NewChain(), safe));
    }

    [Fact]
    public async Task Changed_payload_is_reported_as_a_hash_mismatch()
    {
        var chain = AuditHostFixture.NewChain();
        var entries = await fixture.AppendAsync(chain, Records(3));
        await fixture.ExecuteAsync("""UPDATE audit_entries SET payload = '{"n":99}' WHERE entry_id = @id""", ("id", entries[1].EntryId));

        var verification = await fixture.Verifier.VerifyAsync(chain, default);
        Assert.False(verification.Valid);
        Assert.Equal(2, verification.EntriesChecked);
        Assert.Equal($"Hash mismatch at entry {entries[1].EntryId} (index 1) — content or chain linkage tampered", verification.Detail);
    }

    [Fact]
    public async Task Changed_previous_hash_alone_is_reported_as_broken_linkage()
    {
        var chain = AuditHostFixture.NewChain();
        var entries = await fixture.AppendAsync(chain, Records(3));
        await fixture.ExecuteAsync("UPDATE audit_entries SET previous_hash = @forged WHERE entry_id = @id",
            ("forged", "sha256:" + new string('a', 64)), ("id", entries[2].EntryId));

        var verification = await fixture.Verifier.VerifyAsync(chain, default);
        Assert.False(verification.Valid);
        Assert.Equal(3, verification.EntriesChecked);
        Assert.Equal($"Chain linkage broken at entry {entries[2].EntryId} (index 2)", verification.Detail);
    }

    [Fact]
    public async Task A_chain_starting_with_a_legacy_v9_entry_verifies()
    {
        var chain = AuditHostFixture.NewChain();
        var legacyTag = $"loa-dixie:audit:{chain}:9.0.0";
        var legacy = new AuditContent(Guid.NewGuid().ToString(), "2026-01-01T00:00:00.000Z", "test.entry.added", "admin", new JsonObject { ["v"] = 9 });
        await fixture.ExecuteAsync("""
            INSERT INTO audit_entries (entry_id, resource_type, "timestamp", event_type, actor_id, payload, entry_hash, previous_hash, hash_domain_tag, created_at)
            VALUES (@id::uuid, @chain, '2026-01-01T00:00:00Z', 'test.entry.added', 'admin', '{"v":9}', @hash, @previous, @tag, now() - interval '1 day')
            """, ("id", legacy.EntryId), ("chain", chain), ("hash", AuditHash.EntryHash(legacy, AuditHash.Genesis, legacyTag)),
            ("previous", AuditHash.Genesis), ("tag", legacyTag));
        var appended = await fixture.AppendAsync(chain, Records(2));

        Assert.Equal(AuditHash.EntryHash(legacy, AuditHash.Genesis, legacyTag), appended[0].PreviousHash);
        var verification = await fixture.Verifier.VerifyAsync(chain, default);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(3, verification.EntriesChecked);
    }

    [Fact]
    public async Task A_direct_fork_is_refused_by_the_unique_chain_index()
    {
        var chain = AuditHostFixture.NewChain();
        var first = (await fixture.AppendAsync(chain, Records(1)))[0];
        await fixture.AppendAsync(chain, Records(1));

        var error = await Assert.ThrowsAsync<PostgresException>(() => fixture.InsertCompetingEntryAsync(chain, first.EntryHash));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal("idx_audit_chain_unique", error.ConstraintName);
    }

    [Fact]
    public async Task Incremental_verification_resumes_after_the_checkpoint()
    {
        var chain = AuditHostFixture.NewChain();
        await fixture.AppendAsync(chain, Records(2));
        var first = await fixture.Verifier.VerifyAsync(chain, default);
        await fixture.AppendAsync(chain, Records(3));

        var resumed = await fixture.Verifier.VerifyAsync(chain, first.VerifiedThrough, default);
        Assert.True(resumed.Valid);
        Assert.Equal(5, resumed.EntriesChecked);
    }

    [Fact]
    public async Task An_unknown_chain_verifies_with_nothing_checked()
    {
        var verification = await fixture.Verifier.VerifyAsync(AuditHostFixture.NewChain(), default);
        Assert.True(verification.Valid);
        Assert.Equal(0, verification.EntriesChecked);
        Assert.Null(verification.Detail);
    }

    internal static AuditRecord[] Records(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new AuditRecord("test.entry.added", "admin", new JsonObject { ["n"] = i }))];
}
