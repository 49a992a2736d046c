using Dixie.FinnEmulator.Pipeline;

namespace Dixie.FinnEmulator.Faults;

/// <summary>Applies a directive to an HTTP request or WebSocket upgrade (spec 11 §7.1, HTTP column).</summary>
public static class HttpFaults
{
    public const string HeaderName = "X-Emulator-Fault";
    private const string NonJsonBody = "<html>emulated non-JSON body</html>";

    /// <summary>
    /// Runs the directive; true when it produced the answer (or dropped the connection) and the
    /// request must not continue.
    /// </summary>
    public static async Task<bool> ApplyAsync(HttpContext context, FaultDirective directive)
    {
        if (directive.DelayMs > 0)
        {
            try
            {
                await Task.Delay(directive.DelayMs, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return true;
            }
        }
        if (directive.Close)
        {
            context.Abort();
            return true;
        }
        if (directive.Status is { } status)
        {
            await WriteStatusAsync(context, status, directive.Code ?? FaultDirective.DefaultCode);
            return true;
        }
        if (directive.NonJson)
        {
            await FinnResponses.WriteTextAsync(context, StatusCodes.Status200OK, "text/html", NonJsonBody);
            return true;
        }
        return false;
    }

    public static Task WriteStatusAsync(HttpContext context, int status, string code)
    {
        // Informational, 204 and 304 answers cannot carry a body.
        if (status < 200 || status is 204 or 304)
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        // finn's own text for a failed session create, so dixie's mapping sees the real body.
        var error = code == "SESSION_CREATE_FAILED" ? "Failed to create session" : "Emulated fault";
        return FinnResponses.WriteErrorAsync(context, status, error, code);
    }

    public static Task WriteInvalidAsync(HttpContext context) =>
        FinnResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid fault directive", "INVALID_FAULT");
}
