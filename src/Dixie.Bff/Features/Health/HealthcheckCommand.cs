using System.Diagnostics;

namespace Dixie.Bff.Features.Health;

/// <summary>
/// `dixie-bff healthcheck [url]` (spec 03 §6): the container healthcheck without curl. One GET of
/// `/healthz/ready`, 3 s overall, no redirects, no proxy; 0 on 2xx, 1 otherwise, 2 on usage errors.
/// It builds no host and reads only PORT / DIXIE_PORT.
/// </summary>
public static class HealthcheckCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, string?> environment, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 1)
        {
            await stderr.WriteLineAsync("usage: dixie-bff healthcheck [url]");
            return 2;
        }
        Uri url;
        if (args.Length == 1)
        {
            if (!Uri.TryCreate(args[0], UriKind.Absolute, out var given) || given.Scheme is not ("http" or "https"))
            {
                await stderr.WriteLineAsync("usage: dixie-bff healthcheck [url]  (url must be an absolute http or https URL)");
                return 2;
            }
            url = given;
        }
        else
        {
            if (ResolvePort(environment) is not { } port)
            {
                await stderr.WriteLineAsync("unhealthy: PORT / DIXIE_PORT must be an integer from 1 to 65535");
                return 2;
            }
            url = new Uri($"http://127.0.0.1:{port}/healthz/ready");
        }
        return await ProbeAsync(url, stdout, stderr);
    }

    private static async Task<int> ProbeAsync(Uri url, TextWriter stdout, TextWriter stderr)
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false };
        using var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var timeout = new CancellationTokenSource(Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var ms = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (status is >= 200 and < 300)
            {
                await stdout.WriteLineAsync($"ok {status} {ms}ms");
                return 0;
            }
            await stderr.WriteLineAsync($"unhealthy: HTTP {status} from {url}");
            return 1;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"unhealthy: no answer from {url} within 3 s");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"unhealthy: {ex.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connection refused or failed",
                HttpRequestError.NameResolutionError => "host not found",
                HttpRequestError.SecureConnectionError => "TLS failure",
                _ => "request failed",
            }} ({url})");
            return 1;
        }
    }

    /// <summary>PORT, then DIXIE_PORT, then 3001 — the same precedence as the service (spec 01).</summary>
    internal static int? ResolvePort(IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var name in (string[])["PORT", "DIXIE_PORT"])
        {
            var value = environment.GetValueOrDefault(name)?.Trim();
            if (string.IsNullOrEmpty(value)) continue;
            return value.All(char.IsAsciiDigit) && value.Length <= 5 && int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) is var port and >= 1 and <= 65535
                ? port
                : null;
        }
        return 3001;
    }
}
