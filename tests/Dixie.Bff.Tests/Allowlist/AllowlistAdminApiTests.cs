using System.Net;
using System.Text.Json;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Tests.Support;
using static Dixie.Bff.Tests.Allowlist.AllowlistTesting;

namespace Dixie.Bff.Tests.Allowlist;

/// <summary>Spec 04 §7: `/api/admin/allowlist`.</summary>
public sealed class AllowlistAdminApiTests
{
    private const string CountAudit = "SELECT count(*) FROM audit_entries WHERE resource_type = 'allowlist'";

    [Fact]
    public async Task Admin_api_contract()
    {
        const string plaintext1 = "dxk_0123456789abcdefghijklmn";
        const string plaintext2 = "dxk_abcdefghijklmnopqrstuvwxyz";
        var path = NewPath();
        Write(path, FileWith([Hardhat0], [plaintext1, plaintext2]));
        await using var host = await StartAsync(path);

        // GET: the document with keys masked; never a key in clear.
        var view = await host.ViewAsync();
        Assert.Equal(["version", "wallets", "apiKeys", "updated_at"], view.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, view.GetProperty("version").GetInt32());
        Assert.Equal([Hardhat0], view.GetProperty("wallets").Strings());
        Assert.Equal(["dxk_01234567...", "dxk_abcdefgh..."], view.GetProperty("apiKeys").Strings());
        Assert.DoesNotContain(plaintext1, view.GetRawText(), StringComparison.Ordinal);

        // POST: a wallet is stored in EIP-55 form, a key only as its digest.
        var data = await ChangedAsync(await host.AddAsync("wallet", Hardhat1.ToLowerInvariant()), HttpStatusCode.Created);
        Assert.Equal([Hardhat0, Hardhat1], data.GetProperty("wallets").Strings());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", data.GetProperty("updated_at").GetString());
        Assert.Equal([Hardhat0, Hardhat1], ReadFile(path).GetProperty("wallets").Strings());
        var key = NewApiKey();
        data = await ChangedAsync(await host.AddAsync("apiKey", key), HttpStatusCode.Created);
        Assert.Equal(["dxk_01234567...", "dxk_abcdefgh...", Digest(key)], data.GetProperty("apiKeys").Strings());
        Assert.Equal([plaintext1, plaintext2, Digest(key)], ReadFile(path).GetProperty("apiKeys").Strings());
        Assert.DoesNotContain(key, File.ReadAllText(path), StringComparison.Ordinal);
        Assert.True(host.Get<CurrentAllowlist>().Snapshot.MatchesApiKey(key));
        var other = NewApiKey();
        await ChangedAsync(await host.AddAsync("apiKey", Digest(other)), HttpStatusCode.Created);
        Assert.True(host.Get<CurrentAllowlist>().Snapshot.MatchesApiKey(other));
        Assert.Equal(3, await host.CountAsync(CountAudit));

        // Entries already present: 201, nothing written, nothing audited.
        var unchanged = File.ReadAllBytes(path);
        await ChangedAsync(await host.AddAsync("wallet", Hardhat1), HttpStatusCode.Created);
        await ChangedAsync(await host.AddAsync("apiKey", key), HttpStatusCode.Created);
        await ChangedAsync(await host.AddAsync("apiKey", plaintext1), HttpStatusCode.Created);
        await ChangedAsync(await host.AddAsync("apiKey", Digest(plaintext2)), HttpStatusCode.Created);
        Assert.Equal(3, await host.CountAsync(CountAudit));
        Assert.Equal(unchanged, File.ReadAllBytes(path));

        await BadRequestsAreRefusedAsync(host);
        Assert.Equal(unchanged, File.ReadAllBytes(path));

        // DELETE: a wallet in any case, a key by its plaintext or digest, whichever form is stored.
        data = await ChangedAsync(await host.RemoveAsync(Hardhat1.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)), HttpStatusCode.OK);
        Assert.Equal([Hardhat0], data.GetProperty("wallets").Strings());
        data = await ChangedAsync(await host.RemoveAsync(plaintext1), HttpStatusCode.OK);
        Assert.Equal(["dxk_abcdefgh...", Digest(key), Digest(other)], data.GetProperty("apiKeys").Strings());
        data = await ChangedAsync(await host.RemoveAsync(Digest(plaintext2)), HttpStatusCode.OK);
        Assert.Equal([Digest(key), Digest(other)], data.GetProperty("apiKeys").Strings());
        data = await ChangedAsync(await host.RemoveAsync(key), HttpStatusCode.OK);
        data = await ChangedAsync(await host.RemoveAsync(Digest(other).ToUpperInvariant().Replace("SHA256:", "sha256:", StringComparison.Ordinal)), HttpStatusCode.OK);
        Assert.Empty(data.GetProperty("apiKeys").EnumerateArray());
        Assert.False(host.Get<CurrentAllowlist>().Snapshot.MatchesApiKey(key));
        Assert.Equal(8, await host.CountAsync(CountAudit));

        foreach (var missing in new[] { Hardhat1, key, Digest(key), NewWallet(), "garbage", "0x1234", "dxk_01234567..." })
        {
            await ErrorAssert.IsErrorAsync(await host.RemoveAsync(missing), HttpStatusCode.NotFound, "not_found", "Entry not found in allowlist");
        }
        Assert.Equal([Hardhat0], (await host.ViewAsync()).GetProperty("wallets").Strings());
        // Keys removed through the path never reach the request log.
        await host.Logs.WaitForAsync("http_request", l => l.String("path") == "/api/admin/allowlist/dxk_[REDACTED]");
        Assert.DoesNotContain(plaintext1, host.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(key, host.Logs.AllText, StringComparison.Ordinal);
    }

    private static async Task BadRequestsAreRefusedAsync(DixieHost host)
    {
        const string required = "type and value required";
        var cases = new (string Body, string Code, string Message)[]
        {
            ("not json", "invalid_request", "Invalid JSON body"),
            ("", "invalid_request", "Invalid JSON body"),
            ("[]", "invalid_request", "Invalid JSON body"),
            ("\"wallet\"", "invalid_request", "Invalid JSON body"),
            ("{\"type\":\"wallet\",}", "invalid_request", "Invalid JSON body"),
            ("{}", "invalid_request", required),
            ("{\"type\":\"wallet\"}", "invalid_request", required),
            ("{\"type\":\"wallet\",\"value\":\"\"}", "invalid_request", required),
            ("{\"type\":1,\"value\":\"x\"}", "invalid_request", required),
            ("{\"type\":\"wallet\",\"value\":null}", "invalid_request", required),
            ("{\"type\":\"email\",\"value\":\"x\"}", "invalid_request", "type must be wallet or apiKey"),
            ("{\"type\":\"Wallet\",\"value\":\"x\"}", "invalid_request", "type must be wallet or apiKey"),
            ("{\"type\":\"wallet\",\"value\":\"0x1234\"}", "invalid_address", "Invalid Ethereum address"),
            ("{\"type\":\"wallet\",\"value\":\"0xF39fd6e51aad88F6F4ce6aB8827279cffFb92266\"}", "invalid_address", "Invalid Ethereum address"),
            ("{\"type\":\"wallet\",\"value\":\"f39fd6e51aad88f6f4ce6ab8827279cfffb92266\"}", "invalid_address", "Invalid Ethereum address"),
            ("{\"type\":\"apiKey\",\"value\":\"dxk_short\"}", "invalid_request", AllowlistApi.ApiKeyFormatMessage),
            ("{\"type\":\"apiKey\",\"value\":\"key-0123456789abcdefghijklmnop\"}", "invalid_request", AllowlistApi.ApiKeyFormatMessage),
            ("{\"type\":\"apiKey\",\"value\":\"dxk_0123456789abcdefghijklm!\"}", "invalid_request", AllowlistApi.ApiKeyFormatMessage),
            ($"{{\"type\":\"apiKey\",\"value\":\"sha256:{new string('A', 64)}\"}}", "invalid_request", AllowlistApi.ApiKeyFormatMessage),
            ($"{{\"type\":\"apiKey\",\"value\":\"sha256:{new string('a', 63)}\"}}", "invalid_request", AllowlistApi.ApiKeyFormatMessage),
        };
        foreach (var (body, code, message) in cases)
        {
            var response = await host.PostRawAsync(body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body} → {(int)response.StatusCode}");
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, code, message);
        }
        await ErrorAssert.IsErrorAsync(await host.PostRawAsync("{\"type\":\"wallet\",\"value\":\"" + Hardhat0 + "\"}", "text/plain"),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Unknown_members_survive_a_rewrite()
    {
        var path = NewPath();
        Write(path, $$"""
            {"version":1,"policy":{"require_review":true,"owners":["ops","security"]},"wallets":["{{Hardhat0}}"],"apiKeys":[],"comment":"managed by ops"}
            """);
        await using var host = await StartAsync(path);

        var data = await ChangedAsync(await host.AddAsync("wallet", Hardhat1), HttpStatusCode.Created);

        var file = ReadFile(path);
        Assert.Equal(["version", "policy", "wallets", "apiKeys", "comment", "updated_at"], file.EnumerateObject().Select(p => p.Name));
        Assert.True(file.GetProperty("policy").GetProperty("require_review").GetBoolean());
        Assert.Equal(["ops", "security"], file.GetProperty("policy").GetProperty("owners").Strings());
        Assert.Equal("managed by ops", file.GetProperty("comment").GetString());
        Assert.Equal("ops", data.GetProperty("policy").GetProperty("owners")[0].GetString());
        Assert.Equal("managed by ops", (await host.ViewAsync()).GetProperty("comment").GetString());
    }

    [Fact]
    public async Task A_held_write_lock_is_503_allowlist_busy_and_a_malformed_file_is_409()
    {
        var path = NewPath();
        Write(path, FileWith([Hardhat0]));
        await using var host = await StartAsync(path, new AllowlistOptions { LockTimeout = TimeSpan.FromMilliseconds(300) });

        var before = File.ReadAllBytes(path);
        using (new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var response = await host.AddAsync("wallet", Hardhat1);
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "allowlist_busy", "Allowlist is being changed; retry");
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            Assert.Equal(before, File.ReadAllBytes(path));
        }
        await ChangedAsync(await host.AddAsync("wallet", Hardhat1), HttpStatusCode.Created);

        // A hand edit gone wrong is not overwritten by the API.
        Write(path, "{\"wallets\":");
        await ErrorAssert.IsErrorAsync(await host.RemoveAsync(Hardhat1), HttpStatusCode.Conflict, "allowlist_malformed");
        Assert.Equal("{\"wallets\":", File.ReadAllText(path));
        Assert.True(host.Get<CurrentAllowlist>().Snapshot.ContainsWallet(Hardhat1));
    }
}
