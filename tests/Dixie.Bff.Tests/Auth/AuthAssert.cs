using System.Net;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Auth;

/// <summary>The exact bodies of spec 04 and the log line that goes with each failure.</summary>
public static class AuthAssert
{
    public const string SiweFailedBody = """{"error":"invalid_signature","message":"SIWE verification failed"}""";
    public const string InvalidTokenBody = """{"error":"invalid_token","message":"Token verification failed"}""";

    public static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("X-Request-Id").Single();

    /// <summary>The generic 401 of spec 04 §3.1, and the `siwe_login_failed` line of this request with its reason.</summary>
    public static async Task<LogLine> SiweRejectedAsync(AuthHost host, HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(SiweFailedBody, await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        var requestId = RequestId(response);
        var line = await host.Logs.WaitForAsync(LogEvents.SiweLoginFailed, l => l.String("request_id") == requestId);
        Assert.Equal(reason, line.String("reason"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
        return line;
    }

    public static async Task<JsonElement> SignedInAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>401 `invalid_token` and the `jwt_verification_failed` line of this request with its type.</summary>
    public static async Task<LogLine> TokenRejectedAsync(AuthHost host, HttpResponseMessage response, string errorType, string token)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(InvalidTokenBody, await response.Content.ReadAsStringAsync());
        var requestId = RequestId(response);
        var line = await host.Logs.WaitForAsync(LogEvents.JwtVerificationFailed, l => l.String("request_id") == requestId);
        Assert.Equal(errorType, line.String("error_type"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
        // Only a real token is distinctive enough to search for.
        if (token.Length > 40) Assert.DoesNotContain(token, host.Logs.AllText, StringComparison.Ordinal);
        return line;
    }
}
