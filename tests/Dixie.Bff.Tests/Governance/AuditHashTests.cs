using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;

namespace Dixie.Bff.Tests.Governance;

/// <summary>The golden vectors of spec 08 §5.1–§5.4.</summary>
public sealed class AuditHashTests
{
    private const string V10 = "loa-dixie:audit:reputation:v10";
    private const string V9 = "loa-dixie:audit:reputation:9.0.0";

    private static AuditContent Entry1() => new(
        "00000000-0000-4000-8000-000000000001", "2026-02-26T00:00:00.000Z", "reputation.score.updated",
        "system:dixie-bff", new JsonObject { ["nft_id"] = "nft-1", ["score"] = 0.5 });

    private static AuditContent Entry2() => new(
        "00000000-0000-4000-8000-000000000002", "2026-02-26T00:01:00.000Z", "reputation.score.updated");

    [Fact]
    public void Genesis_is_the_sha256_of_empty_input()
    {
        var emptyInputHash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData([]));
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", emptyInputHash);
        Assert.Equal(emptyInputHash, AuditHash.Genesis.ToString());
    }

    [Fact]
    public void Entry_one_has_the_golden_canonical_text_and_hashes()
    {
        var canonical = CanonicalJson.Serialize(JsonNode.Parse(
            """{"entry_id":"00000000-0000-4000-8000-000000000001","timestamp":"2026-02-26T00:00:00.000Z","event_type":"reputation.score.updated","actor_id":"system:dixie-bff","payload":{"nft_id":"nft-1","score":0.5}}"""));
        Assert.Equal(
            """{"actor_id":"system:dixie-bff","entry_id":"00000000-0000-4000-8000-000000000001","event_type":"reputation.score.updated","payload":{"nft_id":"nft-1","score":0.5},"timestamp":"2026-02-26T00:00:00.000Z"}""",
            canonical);
        Assert.Equal("sha256:69300c37aba8c485367303cb8ac6cb0f91729f536e286fb554296f39e92a3c66", AuditHash.ContentHash(Entry1(), V10));
        Assert.Equal("sha256:f43a5636fa4581d11493f42d1cf48ce0b85277935e9b2a8a4d682951a83d5fa6", AuditHash.EntryHash(Entry1(), AuditHash.Genesis, V10));
    }

    [Fact]
    public void Entry_two_without_actor_or_payload_chains_to_entry_one()
    {
        var previous = AuditHash.EntryHash(Entry1(), AuditHash.Genesis, V10);
        Assert.Equal("sha256:fa77c5f6b0c07bcee49d43c653d4e2615969baac25d58b78f208e97b99fa1b59", AuditHash.ContentHash(Entry2(), V10));
        Assert.Equal("sha256:7823379ecdd8d4ec6354c2154ec46fb1da26e86380d269575aee6e0d5d0a6268", AuditHash.EntryHash(Entry2(), previous, V10));
    }

    [Fact]
    public void Legacy_v9_entry_has_the_golden_hashes()
    {
        Assert.True(AuditHash.IsLegacy(V9));
        Assert.False(AuditHash.IsLegacy(V10));
        Assert.Equal("sha256:12e9918c4105e5646b00980ffe4391b2f806c3aef58505d67e3d517a5470d11a", AuditHash.ContentHash(Entry1(), V9));
        Assert.Equal("sha256:7c6c3cea97b56fafbd79a7062395d74003335ddb6c825d1dfe6f02d901b7d271", AuditHash.EntryHash(Entry1(), AuditHash.Genesis, V9));
    }

    [Fact]
    public void An_absent_payload_differs_from_a_null_payload()
    {
        var absent = Entry2();
        var explicitNull = absent with { HasPayload = true };
        Assert.NotEqual(AuditHash.ContentHash(absent, V10), AuditHash.ContentHash(explicitNull, V10));
    }

    [Theory]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", V10)]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", V10)]
    [InlineData(AuditHash.Genesis, "loa-dixie:audit")]
    [InlineData(AuditHash.Genesis, "loa-dixie::reputation:v10")]
    [InlineData(AuditHash.Genesis, "loa-dixie:audit:Reputation:v10")]
    public void Broken_preconditions_are_refused(string previous, string tag)
    {
        Assert.Throws<ArgumentException>(() => AuditHash.EntryHash(Entry1(), previous, tag));
    }
}
