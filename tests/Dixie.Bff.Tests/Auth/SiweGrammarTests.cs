using System.Net;
using System.Text;

namespace Dixie.Bff.Tests.Auth;

/// <summary>Spec 04 §3.1–§3.2: the request body and the strict EIP-4361 grammar.</summary>
public sealed partial class SiweSignInTests
{
    [Fact]
    public async Task Grammar_negatives()
    {
        Strict.Clock.Set(Now);
        var message = Message() with { ExpirationTime = Now.AddMinutes(5) };
        var text = message.ToString();
        string Replace(string line, string replacement) =>
            text.Contains(line, StringComparison.Ordinal) ? text.Replace(line, replacement, StringComparison.Ordinal) : throw new ArgumentException(line);

        var negatives = new Dictionary<string, string>
        {
            ["CR"] = Replace("\nVersion: 1", "\r\nVersion: 1"),
            ["trailing LF"] = text + "\n",
            ["truncated"] = text[..^12],
            ["missing Version"] = Replace("\nVersion: 1", ""),
            ["Version 2"] = Replace("Version: 1", "Version: 2"),
            ["nonce with -"] = Replace(message.Nonce, "abcd-efgh-1234"),
            ["nonce of 7"] = Replace(message.Nonce, "abc1234"),
            ["nonce of 65"] = Replace(message.Nonce, new string('a', 65)),
            ["statement with %"] = Replace("Sign in to Dixie BFF", "Sign in to 100% Dixie"),
            ["wrong field order"] = Replace("Chain ID: 1\nNonce: " + message.Nonce, "Nonce: " + message.Nonce + "\nChain ID: 1"),
            ["optional lines out of order"] = (message with { ExpirationTime = null }).ToString() + "\nNot Before: 2026-01-15T10:00:00.000Z\nExpiration Time: 2026-01-15T10:05:00.000Z",
            ["resource not a URI"] = (message with { Resources = ["not a uri"] }).ToString(),
            ["leap second"] = Replace("Issued At: 2026-01-15T10:00:30.000Z", "Issued At: 2026-01-15T10:00:60.000Z"),
            ["impossible date"] = Replace("Issued At: 2026-01-15T10:00:30.000Z", "Issued At: 2026-02-30T10:00:30.000Z"),
            ["date without offset"] = Replace("Issued At: 2026-01-15T10:00:30.000Z", "Issued At: 2026-01-15T10:00:30.000"),
            ["missing Issued At"] = Replace("\nIssued At: 2026-01-15T10:00:30.000Z", ""),
            ["one space too many"] = Replace("URI: http", "URI:  http"),
            ["lower-case literal"] = Replace("Chain ID: 1", "chain ID: 1"),
            ["no empty line after statement"] = Replace("Sign in to Dixie BFF\n\n", "Sign in to Dixie BFF\n"),
            ["scheme not http"] = "ftp://" + text,
            ["empty host"] = Replace("localhost:3001 wants", ":3001 wants"),
            ["port out of range"] = Replace("localhost:3001 wants", "localhost:65536 wants"),
            ["address without 0x"] = Replace(message.Address, "1x" + message.Address[2..]),
            ["address too short"] = Replace(message.Address, message.Address[..^1]),
            ["unexpected trailing line"] = text + "\nSomething: else",
            ["header text"] = Replace("wants you to sign in", "would like you to sign in"),
        };

        foreach (var (name, negative) in negatives)
        {
            await Strict.SeedNonceAsync(message.Nonce);
            var response = await Strict.PostSiweAsync(negative, Hardhat.Account0.Sign(negative));
            var line = await AuthAssert.SiweRejectedAsync(Strict, response, "parse_error");
            Assert.False(string.IsNullOrEmpty(line.String("detail")), name);
        }
    }

    [Fact]
    public async Task Grammar_positives()
    {
        Strict.Clock.Set(Now);
        var message = Message();
        var oneEmptyLine = (message with { Statement = null }).ToString().Replace("\n\n\nURI:", "\n\nURI:", StringComparison.Ordinal);
        var positives = new List<string>
        {
            (message with { Scheme = "https" }).ToString(),
            (message with { Scheme = "http" }).ToString(),
            message.ToString(),
            (message with { Domain = "127.0.0.1:3001" }).ToString(),
            (message with { Domain = "[::1]:3001" }).ToString(),
            (message with { Statement = null }).ToString(),
            oneEmptyLine,
            (message with { RequestId = "req-123_~.!$&'()*+,;=:@%20" }).ToString(),
            (message with { Resources = ["ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/", "https://example.com/my-web2-claim.json", "urn:x:y"] }).ToString(),
            (message with { Resources = [] }).ToString(),
            (message with { ExpirationTime = Now.AddMinutes(5), NotBefore = Now.AddMinutes(-5), RequestId = "", Resources = ["https://a.example/"] }).ToString(),
            message.ToString().Replace("2026-01-15T10:00:30.000Z", "2026-01-15t10:00:30.000z", StringComparison.Ordinal),
            message.ToString().Replace("2026-01-15T10:00:30.000Z", "2026-01-15T12:00:30.000+02:00", StringComparison.Ordinal),
            message.ToString().Replace("2026-01-15T10:00:30.000Z", "2026-01-15T10:00:30Z", StringComparison.Ordinal),
            message.ToString().Replace("2026-01-15T10:00:30.000Z", "2026-01-15T10:00:30.123456789Z", StringComparison.Ordinal),
            message.ToString().Replace("URI: http://localhost:3001", "URI: https://user:pw@[2001:db8::1]:8080/p/a%20th?q=1&r=a/b?#frag/x", StringComparison.Ordinal),
            message.ToString().Replace("Sign in to Dixie BFF", "Statement with reserved :/?#[]@!$&'()*+,;= and unreserved -._~ characters", StringComparison.Ordinal),
        };

        foreach (var positive in positives)
        {
            await Strict.SeedNonceAsync(message.Nonce);
            var response = await Strict.PostSiweAsync(positive, Hardhat.Account0.Sign(positive));
            Assert.True(response.StatusCode == HttpStatusCode.OK, positive + "\n" + await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Message_over_4096_bytes_is_401()
    {
        Strict.Clock.Set(Now);
        var message = Message();
        var exact = PadTo(message, 4096);
        Assert.Equal(4096, Encoding.UTF8.GetByteCount(exact));

        await Strict.SeedNonceAsync(message.Nonce);
        await AuthAssert.SignedInAsync(await Strict.PostSiweAsync(exact, Hardhat.Account0.Sign(exact)));

        var over = PadTo(message, 4097);
        await Strict.SeedNonceAsync(message.Nonce);
        var line = await AuthAssert.SiweRejectedAsync(Strict, await Strict.PostSiweAsync(over, Hardhat.Account0.Sign(over)), "message_too_large");
        Assert.Null(line.String("wallet_hash"));
    }

    [Fact]
    public async Task Bad_body_is_400()
    {
        var cases = new (string Body, string Message)[]
        {
            ("not json", "Invalid JSON body"),
            ("", "Invalid JSON body"),
            ("[]", "Invalid JSON body"),
            ("\"text\"", "Invalid JSON body"),
            ("{\"message\":\"x\",", "Invalid JSON body"),
            ("{}", "message is required"),
            ("{\"message\":5,\"signature\":\"0x\"}", "message is required"),
            ("{\"message\":\"\",\"signature\":\"0x\"}", "message is required"),
            ("{\"message\":null,\"signature\":\"0x\"}", "message is required"),
            ("{\"message\":\"x\"}", "signature is required"),
            ("{\"message\":\"x\",\"signature\":7}", "signature is required"),
            ("{\"message\":\"x\",\"signature\":\"\"}", "signature is required"),
        };
        foreach (var (body, message) in cases)
        {
            var response = await Strict.Client.PostAsync("/api/auth/siwe", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal($$"""{"error":"invalid_request","message":"{{message}}"}""", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Body_is_json_whatever_the_content_type()
    {
        Strict.Clock.Set(Now);
        var message = Message();
        await Strict.SeedNonceAsync(message.Nonce);
        var text = message.ToString();
        var json = System.Text.Json.JsonSerializer.Serialize(new { message = text, signature = Hardhat.Account0.Sign(text), extra = new[] { 1 } });

        var response = await Strict.Client.PostAsync("/api/auth/siwe", new StringContent(json, Encoding.UTF8, "text/plain"));

        await AuthAssert.SignedInAsync(response);
    }

    /// <summary>The message padded with resources to exactly <paramref name="bytes"/> bytes.</summary>
    private static string PadTo(SiweText message, int bytes)
    {
        var resources = new List<string>();
        while (true)
        {
            var length = Encoding.UTF8.GetByteCount((message with { Resources = [.. resources, "https://e.example/"] }).ToString());
            if (length > bytes) break;
            resources.Add("https://e.example/" + new string('a', Math.Min(1000, bytes - length)));
            if (Encoding.UTF8.GetByteCount((message with { Resources = resources }).ToString()) == bytes) break;
        }
        var text = (message with { Resources = resources }).ToString();
        if (Encoding.UTF8.GetByteCount(text) != bytes) throw new InvalidOperationException($"padding reached {Encoding.UTF8.GetByteCount(text)} bytes");
        return text;
    }
}
