using System.Net;
using System.Text.Json;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.Bff.Tests.Emulator;

public sealed class AgentTests
{
    private const string Tba = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private const string Message = "dixie-agent-auth:0x5FbDB2315678afecb367f032d93F642f64180aa3:1768471200";
    private const string Signature = "0xe2dfaa4a9b70409272ac17c31b49f0ec595b05aff5a8862bce5afa2ee08c7a3c5a233ef1ed844038bd835a021feeaf79207d9e6a5475fd469f6257598d538fb91b";
    private const string HardhatZero = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    private static string VerifyBody(string tba = Tba, string signature = Signature, string message = Message) =>
        JsonSerializer.Serialize(new { tbaAddress = tba, signature, message });

    [Fact]
    public async Task Verify_tba_golden_and_registry()
    {
        await using var finn = await EmulatorFixture.StartAsync();

        using (var response = await finn.PostJsonAsync("/api/auth/verify-tba", VerifyBody()))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = await EmulatorFixture.ReadJsonAsync(response);
            var root = body.RootElement;
            Assert.Equal(Tba, root.GetProperty("tbaAddress").GetString());
            Assert.Equal("0x4f5b22a0fb64A0AC223bb64ED8a24364A7832516", root.GetProperty("nftContract").GetString());
            Assert.Equal("3184", root.GetProperty("tokenId").GetString());
            Assert.Equal(HardhatZero, root.GetProperty("ownerWallet").GetString());
            Assert.False(root.GetProperty("cached").GetBoolean());
            Assert.True(DateTimeOffset.UtcNow - root.GetProperty("verifiedAt").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
        }
        // v as 0/1 instead of 27/28 recovers the same signer; a lower-case TBA derives the same NFT.
        using (var response = await finn.PostJsonAsync("/api/auth/verify-tba", VerifyBody(tba: Tba.ToLowerInvariant(), signature: Signature[..^2] + "00")))
        {
            using var body = await EmulatorFixture.ReadJsonAsync(response);
            Assert.Equal(HardhatZero, body.RootElement.GetProperty("ownerWallet").GetString());
            Assert.Equal("3184", body.RootElement.GetProperty("tokenId").GetString());
        }

        // The same signature with s replaced by n - s (and v flipped) is tolerated.
        using (var response = await finn.PostJsonAsync("/api/auth/verify-tba", VerifyBody(signature: HighS(Signature))))
        {
            using var body = await EmulatorFixture.ReadJsonAsync(response);
            Assert.Equal(HardhatZero, body.RootElement.GetProperty("ownerWallet").GetString());
        }

        foreach (var malformed in new[]
                 {
                     VerifyBody(tba: "0x1234"), VerifyBody(signature: "0x1234"), VerifyBody(message: ""),
                     VerifyBody(message: new string('m', 4097)), VerifyBody(signature: "0x" + new string('z', 130)),
                     """{"tbaAddress":"0x5FbDB2315678afecb367f032d93F642f64180aa3"}""", "not json",
                 })
        {
            await EmulatorFixture.AssertFinnErrorAsync(await finn.PostJsonAsync("/api/auth/verify-tba", malformed), 400, "Invalid request", "INVALID_REQUEST");
        }
        foreach (var garbage in new[] { "0x" + new string('0', 130), Signature[..^2] + "05", "0x" + new string('f', 128) + "1b" })
        {
            await EmulatorFixture.AssertFinnErrorAsync(await finn.PostJsonAsync("/api/auth/verify-tba", VerifyBody(signature: garbage)),
                401, "Invalid signature", "INVALID_SIGNATURE");
        }

        // Registered with another owner: the real signer no longer matches.
        using (var register = await finn.PostJsonAsync("/_emulator/tba", $$"""{"tbaAddress":"{{Tba}}","ownerWallet":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, register.StatusCode);
        }
        await EmulatorFixture.AssertFinnErrorAsync(await finn.PostJsonAsync("/api/auth/verify-tba", VerifyBody()), 401, "Invalid signature", "INVALID_SIGNATURE");

        const string Reported = "0x000000000000000000000000000000000000dEaD";
        (await finn.PostJsonAsync("/_emulator/tba",
            $$"""{"tbaAddress":"{{Tba.ToLowerInvariant()}}","ownerWallet":"{{HardhatZero.ToLowerInvariant()}}","nftContract":"0x1111111111111111111111111111111111111111","tokenId":"42","reportedTbaAddress":"{{Reported}}"}""")).Dispose();
        using (var response = await finn.PostJsonAsync("/api/auth/verify-tba", VerifyBody()))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = await EmulatorFixture.ReadJsonAsync(response);
            Assert.Equal(Reported, body.RootElement.GetProperty("tbaAddress").GetString());
            Assert.Equal("0x1111111111111111111111111111111111111111", body.RootElement.GetProperty("nftContract").GetString());
            Assert.Equal("42", body.RootElement.GetProperty("tokenId").GetString());
            Assert.Equal(HardhatZero, body.RootElement.GetProperty("ownerWallet").GetString());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await finn.Http.DeleteAsync($"/_emulator/tba/{Tba}")).StatusCode);
        using (var response = await finn.PostJsonAsync("/api/auth/verify-tba", VerifyBody()))
        {
            using var body = await EmulatorFixture.ReadJsonAsync(response);
            Assert.Equal("3184", body.RootElement.GetProperty("tokenId").GetString());
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await finn.PostJsonAsync("/_emulator/tba", """{"tbaAddress":"0x12"}""")).StatusCode);
    }

    private static string HighS(string signature)
    {
        var order = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var s = System.Numerics.BigInteger.Parse("0" + signature[66..130], System.Globalization.NumberStyles.HexNumber);
        var highS = (order - s).ToString("x64", System.Globalization.CultureInfo.InvariantCulture)[^64..];
        var v = signature[130..] == "1b" ? "1c" : "1b";
        return signature[..66] + highS + v;
    }

    [Fact]
    public async Task Staking_map()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, """{"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266": 1500, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8": "250.5"}""");
        try
        {
            await using var finn = await EmulatorFixture.StartAsync(new EmulatorOptions { StakingFile = file });

            Assert.Equal("""{"wallet":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","bgtStaked":1500,"stakedSince":"2026-01-01T00:00:00.000Z","validatorId":"validator-emulator"}""",
                await finn.Http.GetStringAsync("/api/conviction/0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/staking"));
            using (var stringValue = await finn.GetJsonAsync("/api/conviction/0x70997970c51812dc3a010c7d01b50e0d17dc79c8/staking"))
            {
                Assert.Equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", stringValue.RootElement.GetProperty("wallet").GetString());
                Assert.Equal("250.5", stringValue.RootElement.GetProperty("bgtStaked").GetString());
            }

            const string Other = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
            await EmulatorFixture.AssertFinnErrorAsync(await finn.GetAsync($"/api/conviction/{Other}/staking"), 404, "No staking record", "NOT_FOUND");
            Assert.Equal(HttpStatusCode.NoContent, (await finn.PostJsonAsync("/_emulator/staking", $$"""{"wallet":"{{Other}}","bgtStaked":"12"}""")).StatusCode);
            using (var overridden = await finn.GetJsonAsync($"/api/conviction/{Other}/staking"))
            {
                Assert.Equal("12", overridden.RootElement.GetProperty("bgtStaked").GetString());
            }
            (await finn.PostJsonAsync("/_emulator/staking", """{"wallet":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","bgtStaked":null}""")).Dispose();
            Assert.Equal(HttpStatusCode.NotFound, (await finn.GetAsync("/api/conviction/0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266/staking")).StatusCode);

            // Reset drops the overrides and keeps the file.
            (await finn.Http.PostAsync("/_emulator/reset", null)).Dispose();
            Assert.Equal(HttpStatusCode.OK, (await finn.GetAsync("/api/conviction/0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266/staking")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await finn.GetAsync($"/api/conviction/{Other}/staking")).StatusCode);

            await EmulatorFixture.AssertFinnErrorAsync(await finn.GetAsync("/api/conviction/0x123/staking"), 400, "Invalid request", "INVALID_REQUEST");
            await EmulatorFixture.AssertFinnErrorAsync(await finn.GetAsync("/api/conviction/0xg39Fd6e51aad88F6F4ce6aB8827279cffFb92266/staking"), 400, "Invalid request", "INVALID_REQUEST");
            Assert.Equal(HttpStatusCode.BadRequest, (await finn.PostJsonAsync("/_emulator/staking", $$"""{"wallet":"{{Other}}","bgtStaked":"lots"}""")).StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Agent_chat_golden()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        using (var response = await finn.PostJsonAsync("/api/chat", """{"message":"Tell me about BGT.","agentTba":"0x5FbDB2315678afecb367f032d93F642f64180aa3","format":"text","sessionId":"s"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("""{"response":"Emulated reply [fe86818e8fb25343]: Tell me about BGT.","model":"claude-sonnet-4-6","input_tokens":5,"output_tokens":14,"sources":[{"id":"src-fe86818e","title":"Emulated source","relevance":0.9}]}""",
                await response.Content.ReadAsStringAsync());
        }
        using (var capped = await finn.PostJsonAsync("/api/chat", """{"message":"Tell me about BGT.","maxTokens":3}"""))
        {
            using var body = await EmulatorFixture.ReadJsonAsync(capped);
            Assert.Equal(3, body.RootElement.GetProperty("output_tokens").GetInt32());
            Assert.Equal(5, body.RootElement.GetProperty("input_tokens").GetInt32());
        }
        using (var uncapped = await finn.PostJsonAsync("/api/chat", """{"message":"Tell me about BGT.","maxTokens":0}"""))
        {
            using var body = await EmulatorFixture.ReadJsonAsync(uncapped);
            Assert.Equal(14, body.RootElement.GetProperty("output_tokens").GetInt32());
        }
        foreach (var blank in new[] { """{"message":"  "}""", "{}", """{"message":5}""", "nope" })
        {
            await EmulatorFixture.AssertFinnErrorAsync(await finn.PostJsonAsync("/api/chat", blank), 400, "Invalid request", "INVALID_REQUEST");
        }
        await EmulatorFixture.AssertFinnErrorAsync(await finn.PostJsonAsync("/api/chat", """{"message":"x [[fault:status=429;code=RATE_LIMITED]]"}"""),
            429, "Emulated fault", "RATE_LIMITED");
    }

    [Fact]
    public async Task Knowledge_metadata_is_constant()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        const string Expected = """{"domains":[{"name":"berachain","documentCount":8,"lastUpdated":"2026-01-01T00:00:00.000Z"},{"name":"defi","documentCount":5,"lastUpdated":"2026-01-01T00:00:00.000Z"},{"name":"governance","documentCount":4,"lastUpdated":"2026-01-01T00:00:00.000Z"},{"name":"honey-jar","documentCount":2,"lastUpdated":"2026-01-01T00:00:00.000Z"},{"name":"bera-ecosystem","documentCount":1,"lastUpdated":"2026-01-01T00:00:00.000Z"}],"totalDocuments":20}""";
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(Expected), await finn.Http.GetByteArrayAsync("/api/knowledge/metadata"));
    }

    [Fact]
    public async Task Strict_mode_answers_the_agent_endpoints_with_finns_404()
    {
        await using var finn = await EmulatorFixture.StartAsync(new EmulatorOptions { Strict = true });
        var responses = new[]
        {
            await finn.PostJsonAsync("/api/auth/verify-tba", VerifyBody()),
            await finn.GetAsync($"/api/conviction/{HardhatZero}/staking"),
            await finn.PostJsonAsync("/api/chat", """{"message":"hi"}"""),
            await finn.GetAsync("/api/knowledge/metadata"),
        };
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("404 Not Found", await response.Content.ReadAsStringAsync());
        }
    }
}
