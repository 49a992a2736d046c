using System.Text;
using System.Text.Json;
using Dixie.Bff.Features.Allowlist;
using static Dixie.Bff.Tests.Allowlist.AllowlistTesting;

namespace Dixie.Bff.Tests.Allowlist;

/// <summary>The file format of spec 04 §5.1 and the key matching of §6, without a host.</summary>
public sealed class AllowlistDocumentTests
{
    private const string GoldenKey = "dxk_test_0123456789abcdefghijkl";
    private const string GoldenStored = "sha256:fb1faf278d70044e0f16d40263ecdfba360a87176cd296a4c6098b873f14ce89";

    private static AllowlistDocument Parse(string json)
    {
        Assert.True(AllowlistDocument.TryParse(Encoding.UTF8.GetBytes(json), out var document, out var reason), reason);
        return document;
    }

    [Fact]
    public void Api_key_plaintext_and_hashed_entries_both_match()
    {
        const string plaintext = "dxk_0123456789abcdefghijklmn";
        var document = Parse($$"""{"apiKeys":["{{plaintext}}","{{GoldenStored}}"]}""");
        var snapshot = document.ToSnapshot("h");

        Assert.Equal(GoldenStored, ApiKeyEntry.ForStorage(GoldenKey).Stored);
        Assert.Equal(2, snapshot.ApiKeyCount);
        Assert.True(snapshot.MatchesApiKey(plaintext));
        Assert.True(snapshot.MatchesApiKey(GoldenKey));
        foreach (var nearMiss in new[]
        {
            GoldenKey[..^1] + "m", GoldenKey[..^1], GoldenKey + "m", "dxk_test_", plaintext[..12],
            plaintext.ToUpperInvariant(), GoldenStored, GoldenStored[7..], "",
        })
        {
            Assert.False(snapshot.MatchesApiKey(nearMiss), nearMiss);
        }
    }

    [Fact]
    public void Invalid_entries_are_skipped_with_a_warning_naming_their_index()
    {
        var lower = Hardhat1.ToLowerInvariant();
        var wrongChecksum = "0xF39fd6e51aad88F6F4ce6aB8827279cffFb92266";
        var document = Parse($$"""
            {"wallets":["{{Hardhat0}}","0x1234",{{5}},"{{lower}}","{{wrongChecksum}}",null,"{{Hardhat0.ToLowerInvariant()}}"],
             "apiKeys":["dxk_short","sha256:{{new string('A', 64)}}","plain-key",{"k":1},"{{GoldenStored}}"]}
            """);

        Assert.Equal([Hardhat0, Hardhat1], document.Wallets);
        Assert.Equal(["dxk_short", GoldenStored], document.ApiKeys.Select(k => k.Stored));
        Assert.Equal(
            [("wallets", 1), ("wallets", 2), ("wallets", 4), ("wallets", 5), ("apiKeys", 0), ("apiKeys", 1), ("apiKeys", 2), ("apiKeys", 3)],
            document.Warnings.Select(w => (w.Member, w.Index)));
        Assert.EndsWith("loaded", document.Warnings.Single(w => w is { Member: "apiKeys", Index: 0 }).Reason, StringComparison.Ordinal);
        Assert.All(document.Warnings.Where(w => w.Index != 0 || w.Member == "wallets"), w => Assert.EndsWith("skipped", w.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("dxk_0123456789abcdefghijklmn", "not valid JSON (line 1)")]
    [InlineData("{\"wallets\":[],\n\"apiKeys\":[\"dxk_0123456789abcdefghijklmn\",]}", "not valid JSON (line 2)")]
    [InlineData("{\"wallets\":[] // comment\n}", "not valid JSON (line 1)")]
    [InlineData("{\"wallets\":[],\"wallets\":[]}", "not valid JSON")]
    [InlineData("[]", "the document is not a JSON object")]
    [InlineData("\"text\"", "the document is not a JSON object")]
    [InlineData("{\"wallets\":\"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\"}", "wallets is not an array")]
    [InlineData("{\"wallets\":null}", "wallets is not an array")]
    [InlineData("{\"apiKeys\":{\"key\":\"dxk_0123456789abcdefghijklmn\"}}", "apiKeys is not an array")]
    public void Malformed_documents_are_refused_without_quoting_the_file(string json, string expected)
    {
        Assert.False(AllowlistDocument.TryParse(Encoding.UTF8.GetBytes(json), out _, out var reason));
        Assert.StartsWith(expected, reason, StringComparison.Ordinal);
        Assert.DoesNotContain("dxk_", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("0xf39", reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Bom_and_absent_members_are_accepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\"policy\":{}}")).ToArray();
        Assert.True(AllowlistDocument.TryParse(bytes, out var document, out _));
        Assert.Empty(document.Wallets);
        Assert.Empty(document.ApiKeys);
        Assert.Equal(1, document.Version);
    }

    [Fact]
    public void A_rewrite_keeps_unknown_members_and_skipped_entries_and_is_indented_by_two_spaces()
    {
        var document = Parse($$"""
            {"policy":{"mode":"strict","limits":[1,2.5]},"version":1,"wallets":["0x1234","{{Hardhat0}}"],"apiKeys":[],"note":"Zoë's + list"}
            """);
        var edited = document.WithWallet(Hardhat1).WithApiKey(ApiKeyEntry.ForStorage(GoldenKey)).WithoutWallet(Hardhat0)!;
        var bytes = edited.WithUpdatedAt(new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero)).Serialize();
        var text = Encoding.UTF8.GetString(bytes);

        Assert.StartsWith("{\n  \"policy\": {\n    \"mode\": \"strict\",", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Contains("Zoë's + list", text, StringComparison.Ordinal);
        var written = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal(["policy", "version", "wallets", "apiKeys", "note", "updated_at"], written.EnumerateObject().Select(p => p.Name));
        Assert.Equal("""{"mode":"strict","limits":[1,2.5]}""", written.GetProperty("policy").GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        Assert.Equal(["0x1234", Hardhat1], written.GetProperty("wallets").Strings());
        Assert.Equal([GoldenStored], written.GetProperty("apiKeys").Strings());
        Assert.Equal("2026-01-15T10:00:00.000Z", written.GetProperty("updated_at").GetString());
    }

    [Fact]
    public void Removal_matches_a_wallet_in_any_case_and_a_key_by_either_form()
    {
        var plaintext = NewApiKey();
        var document = Parse($$"""
            {"wallets":["{{Hardhat0.ToLowerInvariant()}}","{{Hardhat1}}"],"apiKeys":["{{plaintext}}","{{GoldenStored}}","{{plaintext}}"]}
            """);

        Assert.Equal([Hardhat1], document.WithoutWallet(Hardhat0)!.Wallets);
        Assert.Null(document.WithoutWallet(NewWallet()));
        Assert.Equal([GoldenStored], document.WithoutApiKey(ApiKeyEntry.DigestOf(plaintext))!.ApiKeys.Select(k => k.Stored));
        Assert.Empty(document.WithoutApiKey(ApiKeyEntry.DigestOf(plaintext))!.WithoutApiKey(ApiKeyEntry.DigestOf(GoldenKey))!.ApiKeys);
        Assert.Null(document.WithoutApiKey(ApiKeyEntry.DigestOf(NewApiKey())));
    }

    [Fact]
    public void Entries_breaking_alw_001_are_named_by_index()
    {
        var key = NewApiKey();
        var clean = Parse($$"""{"wallets":["{{Hardhat0}}","{{Hardhat1}}","0x12"],"apiKeys":["{{key}}","{{GoldenStored}}"]}""");
        Assert.Empty(clean.UniquenessProblems());

        var document = Parse($$"""
            {"wallets":["{{Hardhat0}}","{{Hardhat1.ToLowerInvariant()}}","{{Hardhat0.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)}}"],
             "apiKeys":["{{key}}","{{GoldenStored}}","{{Digest(key)}}"]}
            """);
        Assert.Equal(
            ["wallets[1] is not in EIP-55 form", "wallets[2] is not in EIP-55 form", "wallets[2] repeats wallets[0]", "apiKeys[2] repeats apiKeys[0]"],
            document.UniquenessProblems());
    }

    [Fact]
    public void Listing_masks_plaintext_keys_to_their_first_12_characters()
    {
        var document = Parse($$"""{"apiKeys":["dxk_0123456789abcdefghijklmn","{{GoldenStored}}"]}""");
        Assert.Equal(["dxk_01234567...", GoldenStored], AllowlistView.From(document).ApiKeys);
    }

    [Theory]
    [InlineData("dxk_0123456789abcdefghijklm", false)]
    [InlineData("dxk_0123456789abcdefghijklmn", true)]
    [InlineData("dxk_0123456789-abcdefghijk_Z", true)]
    [InlineData("dxk_0123456789abcdefghijklm.", false)]
    [InlineData("DXK_0123456789abcdefghijklmn", false)]
    [InlineData("dxk_0123456789abcdefghijklmné", false)]
    public void New_key_format_is_dxk_and_24_or_more_safe_characters(string key, bool valid)
    {
        Assert.Equal(valid, ApiKeyEntry.IsWellFormedKey(key));
        Assert.True(ApiKeyEntry.IsWellFormedKey("dxk_" + new string('a', 252)));
        Assert.False(ApiKeyEntry.IsWellFormedKey("dxk_" + new string('a', 253)));
    }
}
