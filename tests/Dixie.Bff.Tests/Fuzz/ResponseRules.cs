using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Tests.Fuzz;

/// <summary>What every answer to hostile input must satisfy (spec 13 §3 "Input", spec 00 D4 and D9).</summary>
public static partial class ResponseRules
{
    public static async Task CheckAsync(FuzzRequest request, HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (status < 400 && response.Content.Headers.ContentType?.MediaType == "text/event-stream") return;
        var body = await response.Content.ReadAsStringAsync(ct);
        string Report(string problem) =>
            $"{problem}\n  request:  {request}\n  response: {status} {response.Content.Headers.ContentType}\n  body:     {Cut(body)}";

        if (status >= 500) throw new FuzzFindingException(Report("a 5xx answered client input"));
        if (StackFrame().IsMatch(body)) throw new FuzzFindingException(Report("a stack trace in the body"));
        if (status < 400 || request.Endpoint.Method == "HEAD") return;
        if (ExceptionText().IsMatch(body)) throw new FuzzFindingException(Report("exception or driver text in an error body"));

        if (response.Content.Headers.ContentType is not MediaTypeHeaderValue { MediaType: "application/json" })
        {
            throw new FuzzFindingException(Report("a 4xx that is not application/json"));
        }
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
            {
                throw new FuzzFindingException(Report("a 4xx body without string `error` and `message`"));
            }
        }
        catch (JsonException)
        {
            throw new FuzzFindingException(Report("a 4xx body that is not JSON"));
        }
    }

    private static string Cut(string text) => text.Length > 500 ? text[..500] + "…" : text;

    // Frames ("   at X.Y(") in any body, including a 200 that echoes something it caught.
    [GeneratedRegex(@"\n\s*at [\w.<>`]+\(|\.cs:line \d+")]
    private static partial Regex StackFrame();

    // .NET exception and driver names in an error body; generated input contains none of these words.
    [GeneratedRegex(@"\b[A-Z]\w*Exception\b|\bNpgsql|StackExchange\.Redis|\bSystem\.[A-Z]\w+\.")]
    private static partial Regex ExceptionText();
}

public sealed class FuzzFindingException(string message) : Exception(message);
