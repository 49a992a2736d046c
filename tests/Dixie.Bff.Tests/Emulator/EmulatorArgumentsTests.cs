using Dixie.FinnEmulator.Hosting;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Tests.Emulator;

public sealed class EmulatorArgumentsTests
{
    private static EmulatorArguments.Outcome Parse(string[] args, Dictionary<string, string>? environment = null) =>
        EmulatorArguments.Parse(args, name => environment is not null && environment.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void Defaults_are_finns_values()
    {
        var outcome = Parse([]);
        Assert.Empty(outcome.Problems);
        Assert.Equal(new EmulatorOptions(), outcome.Options);
        Assert.Equal(3000, outcome.Options.Port);
        Assert.Equal(5, outcome.Options.WsPerIp);
        Assert.Equal(300, outcome.Options.WsIdleSeconds);
        Assert.Equal(LogLevel.Warning, outcome.Options.LogLevel);
    }

    [Fact]
    public void Flags_win_over_the_environment()
    {
        var environment = new Dictionary<string, string>
        {
            ["EMULATOR_PORT"] = "4000",
            ["EMULATOR_BIND"] = "0.0.0.0",
            ["EMULATOR_STRICT"] = "true",
            ["EMULATOR_WS_PER_IP"] = "0",
            ["EMULATOR_WS_IDLE_SECONDS"] = "9",
            ["EMULATOR_MAX_SESSIONS"] = "10",
            ["EMULATOR_LOG_LEVEL"] = "debug",
            ["FINN_AUTH_TOKEN"] = "t0ken",
        };
        var fromEnvironment = Parse([], environment).Options;
        Assert.Equal(new EmulatorOptions
        {
            Port = 4000, Bind = "0.0.0.0", Strict = true, WsPerIp = 0, WsIdleSeconds = 9, MaxSessions = 10,
            LogLevel = LogLevel.Debug, AuthToken = "t0ken",
        }, fromEnvironment);

        var outcome = Parse(["--port", "0", "--bind=127.0.0.1", "--ws-per-ip", "2", "--log-level", "error", "--strict"], environment);
        Assert.Empty(outcome.Problems);
        Assert.Equal(0, outcome.Options.Port);
        Assert.Equal("127.0.0.1", outcome.Options.Bind);
        Assert.Equal(2, outcome.Options.WsPerIp);
        Assert.Equal(LogLevel.Error, outcome.Options.LogLevel);
        Assert.Equal(9, outcome.Options.WsIdleSeconds);
    }

    [Fact]
    public void Every_problem_is_reported_once()
    {
        var outcome = Parse(["--port", "70000", "--ws-per-ip", "-1", "--bogus", "--staking", "/no/such/file.json"],
            new Dictionary<string, string> { ["EMULATOR_MAX_SESSIONS"] = "many", ["EMULATOR_STRICT"] = "yes" });
        Assert.Equal(6, outcome.Problems.Count);
        Assert.Contains(outcome.Problems, p => p.StartsWith("--port", StringComparison.Ordinal));
        Assert.Contains(outcome.Problems, p => p.StartsWith("EMULATOR_MAX_SESSIONS", StringComparison.Ordinal));
        Assert.Contains(outcome.Problems, p => p.Contains("--bogus", StringComparison.Ordinal));
    }
}
