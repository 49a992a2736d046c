using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Dixie.Bff.Tests.Support;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.Bff.Tests.Emulator;

/// <summary>Starts an in-process emulator on port 0 for one test and talks to it.</summary>
internal sealed class EmulatorFixture : IAsyncDisposable
{
    private EmulatorFixture(RunningEmulator emulator)
    {
        Emulator = emulator;
        // Not a plain HttpClient: a service host running in this process would rewrite the traceparent a test sends.
        Http = DixieHost.CreateClient(emulator.BaseUri);
    }

    public RunningEmulator Emulator { get; }
    public HttpClient Http { get; }
    public string BaseUrl => Emulator.BaseUrl;

    public static async Task<EmulatorFixture> StartAsync(EmulatorOptions? options = null) =>
        new(await FinnEmulatorApp.StartAsync((options ?? new EmulatorOptions()) with { Port = 0 }));

    public async Task<string> CreateSessionAsync()
    {
        using var response = await Http.PostAsync("/api/sessions", null);
        Assert.Equal(201, (int)response.StatusCode);
        using var body = await ReadJsonAsync(response);
        return body.RootElement.GetProperty("sessionId").GetString()!;
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string? fault = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (fault is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Emulator-Fault", fault);
        }
        return Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? fault = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (fault is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Emulator-Fault", fault);
        }
        return await Http.SendAsync(request);
    }

    public async Task SetFaultAsync(string json)
    {
        using var response = await PostJsonAsync("/_emulator/faults", json);
        Assert.Equal(200, (int)response.StatusCode);
    }

    public async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        return await ReadJsonAsync(response);
    }

    public static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());

    /// <summary>Asserts a finn-style error body.</summary>
    public static async Task AssertFinnErrorAsync(HttpResponseMessage response, int status, string error, string code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal(2, body.EnumerateObject().Count());
    }

    /// <summary>The emulator binary built next to the sources, for tests that run the real program.</summary>
    public static string BuiltEmulatorDll()
    {
        var configuration = typeof(EmulatorFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dixie.slnx")))
        {
            directory = directory.Parent;
        }
        Assert.NotNull(directory);
        var dll = Path.Combine(directory.FullName, "src", "Dixie.FinnEmulator", "bin", configuration, "net10.0", "finn-emulator.dll");
        Assert.True(File.Exists(dll), $"build the emulator first: {dll} is missing");
        return dll;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}
