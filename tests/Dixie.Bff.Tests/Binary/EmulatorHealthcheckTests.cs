using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.Bff.Tests.Binary;

/// <summary>`finn-emulator healthcheck`, the HEALTHCHECK of deploy/Dockerfile.finn-emulator.</summary>
public sealed class EmulatorHealthcheckTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Running_emulator_exits_0_and_stopped_one_exits_1()
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string?> { ["EMULATOR_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using (await FinnEmulatorApp.StartAsync(new EmulatorOptions { Port = port }))
        {
            await using var healthy = BinaryRun.Start("finn-emulator", environment, "healthcheck");
            Assert.Equal(0, await healthy.WaitForExitAsync(ExitTimeout));
            Assert.StartsWith("ok 200", healthy.Stdout, StringComparison.Ordinal);
        }

        await using var stopped = BinaryRun.Start("finn-emulator", environment, "healthcheck");
        Assert.Equal(1, await stopped.WaitForExitAsync(ExitTimeout));
        Assert.StartsWith("unhealthy: ", stopped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_port_variable_exits_2()
    {
        await using var run = BinaryRun.Start("finn-emulator", new Dictionary<string, string?> { ["EMULATOR_PORT"] = "http" }, "healthcheck");
        Assert.Equal(2, await run.WaitForExitAsync(ExitTimeout));
    }
}
