using Dixie.FinnEmulator.Hosting;

namespace Dixie.Bff.Tests.Support;

/// <summary>A private finn-emulator for a test that changes process-wide faults or counts requests.</summary>
public sealed class TestEmulator : IAsyncDisposable
{
    private readonly RunningEmulator _running;

    private TestEmulator(RunningEmulator running)
    {
        _running = running;
        Admin = new EmulatorAdmin(running.BaseUrl);
    }

    public string BaseUrl => _running.BaseUrl;

    public EmulatorAdmin Admin { get; }

    public static async Task<TestEmulator> StartAsync(EmulatorOptions? options = null) =>
        new(await FinnEmulatorApp.StartAsync((options ?? new EmulatorOptions()) with { Port = 0 }));

    public ValueTask DisposeAsync() => _running.DisposeAsync();
}

/// <summary>One emulator per test process for tests that only need finn to answer normally.</summary>
public static class SharedEmulator
{
    private static readonly Lazy<Task<TestEmulator>> Instance = new(() => TestEmulator.StartAsync());

    public static Task<TestEmulator> GetAsync() => Instance.Value;
}
