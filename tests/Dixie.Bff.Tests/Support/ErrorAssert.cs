using System.Net;
using System.Text.Json;

namespace Dixie.Bff.Tests.Support;

/// <summary>The shared check of the one error shape (spec 00 D4), reused by every suite.</summary>
public static class ErrorAssert
{
    public static async Task<JsonElement> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? message = null)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await IsErrorShapeAsync(response);
        Assert.Equal(code, body.GetProperty("error").GetString());
        if (message is not null) Assert.Equal(message, body.GetProperty("message").GetString());
        return body;
    }

    /// <summary>Any 4xx/5xx: JSON content type and string `error` and `message` fields.</summary>
    public static async Task<JsonElement> IsErrorShapeAsync(HttpResponseMessage response)
    {
        Assert.True((int)response.StatusCode >= 400, $"expected an error status, got {(int)response.StatusCode}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.String, body.GetProperty("message").ValueKind);
        return body;
    }
}
