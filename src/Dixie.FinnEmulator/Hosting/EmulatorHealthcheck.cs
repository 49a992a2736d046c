using System.Globalization;

namespace Dixie.FinnEmulator.Hosting;

/// <summary>
/// `finn-emulator healthcheck`: the container healthcheck of the emulator image without curl
/// (spec 12 §1). One GET of `http://127.0.0.1:$EMULATOR_PORT/healthz` within 3 s; 0 on 2xx,
/// 1 otherwise, 2 when the port variable is not a port.
/// </summary>
internal static class EmulatorHealthcheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(Func<string, string?> environment, TextWriter stdout, TextWriter stderr)
    {
        var text = environment("EMULATOR_PORT");
        var port = 3000;
        if (!string.IsNullOrEmpty(text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            await stderr.WriteLineAsync($"unhealthy: EMULATOR_PORT '{text}' is not a port from 1 to 65535");
            return 2;
        }
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/healthz");
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false };
        using var client = new HttpClient(handler) { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(url);
            if (response.IsSuccessStatusCode)
            {
                await stdout.WriteLineAsync($"ok {(int)response.StatusCode}");
                return 0;
            }
            await stderr.WriteLineAsync($"unhealthy: HTTP {(int)response.StatusCode} from {url}");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await stderr.WriteLineAsync($"unhealthy: no answer from {url}");
            return 1;
        }
    }
}
