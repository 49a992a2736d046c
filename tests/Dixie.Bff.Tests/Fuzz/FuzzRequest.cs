using System.Net.Http.Headers;
using System.Text;

namespace Dixie.Bff.Tests.Fuzz;

public enum FuzzCaller { Anonymous, Wallet, ApiKey, Admin }

/// <summary>One generated request; <see cref="ToString"/> is what a failure report shows.</summary>
public sealed record FuzzRequest(
    FuzzEndpoint Endpoint, FuzzCaller Caller, string Path, string Query, string? Body, string? ContentType, bool AcceptsEventStream, bool SpoofsIdentity,
    bool InvalidUtf8 = false)
{
    public string Target => Path + Query;

    public HttpRequestMessage ToMessage(string? bearer)
    {
        var message = new HttpRequestMessage(new HttpMethod(Endpoint.Method), Target);
        if (bearer is not null) message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        if (AcceptsEventStream) message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (SpoofsIdentity)
        {
            // Spec 13 §3: identity headers from a client are ignored, whatever else the request carries.
            message.Headers.TryAddWithoutValidation("X-Wallet-Address", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
            message.Headers.TryAddWithoutValidation("x-conviction-tier", "sovereign");
            message.Headers.TryAddWithoutValidation("x-agent-owner", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
            message.Headers.TryAddWithoutValidation("x-operator-id", "admin");
        }
        if (Body is not null && Endpoint.Method is not "GET" and not "HEAD")
        {
            message.Content = new ByteArrayContent(InvalidUtf8 ? WithInvalidUtf8(Body) : Encoding.UTF8.GetBytes(Body));
            message.Content.Headers.ContentType = null;
            if (ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }
        return message;
    }

    /// <summary>
    /// The body's UTF-8 with a 0xFF byte (never valid UTF-8) at the start of its first string value, where
    /// JSON parsers accept it and only reading the string fails; elsewhere it just breaks the JSON.
    /// </summary>
    private static byte[] WithInvalidUtf8(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var at = bytes.AsSpan().IndexOf(":\""u8);
        var position = at < 0 ? bytes.Length / 2 : at + 2;
        return [.. bytes[..position], 0xFF, .. bytes[position..]];
    }

    public override string ToString()
    {
        var body = Body is null ? "(none)" : Body.Length > 300 ? $"{Body[..300]}… ({Body.Length} chars)" : Body;
        var target = Target.Length > 300 ? $"{Target[..300]}… ({Target.Length} chars)" : Target;
        return $"{Endpoint.Method} {target} as {Caller}; Content-Type: {ContentType ?? "(none)"}; event-stream: {AcceptsEventStream}; spoofed headers: {SpoofsIdentity}; invalid UTF-8: {InvalidUtf8}; body: {body}";
    }
}
