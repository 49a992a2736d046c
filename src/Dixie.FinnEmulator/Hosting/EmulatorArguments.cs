using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Dixie.FinnEmulator.Hosting;

/// <summary>Flags and environment of spec 11 §1; flags win over the environment.</summary>
internal static class EmulatorArguments
{
    public sealed record Outcome(EmulatorOptions Options, IReadOnlyList<string> Problems, bool HelpRequested);

    public const string Usage = """
        usage: finn-emulator [--port <n>] [--bind <address>] [--strict] [--ws-per-ip <n>]
                             [--ws-idle-seconds <n>] [--max-sessions <n>] [--staking <file>]
                             [--log-level error|warn|info|debug]
               finn-emulator healthcheck   (GET /healthz on 127.0.0.1:$EMULATOR_PORT; exit 0 or 1)
        environment: EMULATOR_PORT, EMULATOR_BIND, EMULATOR_STRICT, EMULATOR_WS_PER_IP,
                     EMULATOR_WS_IDLE_SECONDS, EMULATOR_MAX_SESSIONS, EMULATOR_STAKING_FILE,
                     EMULATOR_LOG_LEVEL, FINN_AUTH_TOKEN
        """;

    private static readonly Dictionary<string, string> FlagToEnvironment = new(StringComparer.Ordinal)
    {
        ["--port"] = "EMULATOR_PORT",
        ["--bind"] = "EMULATOR_BIND",
        ["--strict"] = "EMULATOR_STRICT",
        ["--ws-per-ip"] = "EMULATOR_WS_PER_IP",
        ["--ws-idle-seconds"] = "EMULATOR_WS_IDLE_SECONDS",
        ["--max-sessions"] = "EMULATOR_MAX_SESSIONS",
        ["--staking"] = "EMULATOR_STAKING_FILE",
        ["--log-level"] = "EMULATOR_LOG_LEVEL",
    };

    public static Outcome Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var problems = new List<string>();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                return new Outcome(new EmulatorOptions(), [], HelpRequested: true);
            }
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (!FlagToEnvironment.ContainsKey(name))
            {
                problems.Add($"unknown argument: {arg}");
                continue;
            }
            if (name == "--strict")
            {
                flags[name] = equals > 0 ? arg[(equals + 1)..] : "true";
            }
            else if (equals > 0)
            {
                flags[name] = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                flags[name] = args[++i];
            }
            else
            {
                problems.Add($"{name} needs a value");
            }
        }

        string? Value(string flag) => flags.TryGetValue(flag, out var v) ? v : environment(FlagToEnvironment[flag]);
        string Source(string flag) => flags.ContainsKey(flag) ? flag : FlagToEnvironment[flag];

        var options = new EmulatorOptions
        {
            Port = Integer("--port", 3000, 0, 65535),
            Bind = BindAddress(Value("--bind")),
            Strict = Boolean("--strict"),
            WsPerIp = Integer("--ws-per-ip", 5, 0, int.MaxValue),
            WsIdleSeconds = Integer("--ws-idle-seconds", 300, 1, 86_400 * 365),
            MaxSessions = Integer("--max-sessions", 100_000, 1, int.MaxValue),
            StakingFile = StakingFile(Value("--staking")),
            LogLevel = Level(Value("--log-level")),
            AuthToken = environment("FINN_AUTH_TOKEN") is { Length: > 0 } token ? token : null,
        };
        return new Outcome(options, problems, HelpRequested: false);

        int Integer(string flag, int fallback, int min, int max)
        {
            var text = Value(flag);
            if (string.IsNullOrEmpty(text))
            {
                return fallback;
            }
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            {
                return n;
            }
            problems.Add($"{Source(flag)}: '{text}' is not an integer in {min}..{max}");
            return fallback;
        }

        bool Boolean(string flag)
        {
            var text = Value(flag);
            switch (text?.ToLowerInvariant())
            {
                case null or "" or "false" or "0":
                    return false;
                case "true" or "1":
                    return true;
                default:
                    problems.Add($"{Source(flag)}: '{text}' is not true or false");
                    return false;
            }
        }

        string BindAddress(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return "127.0.0.1";
            }
            if (text == "localhost" || IPAddress.TryParse(text, out _))
            {
                return text;
            }
            problems.Add($"{Source("--bind")}: '{text}' is not an IP address");
            return "127.0.0.1";
        }

        string? StakingFile(string? path)
        {
            if (string.IsNullOrEmpty(path))
            {
                return null;
            }
            if (Agent.StakingMap.TryLoadFile(path, out _, out var problem))
            {
                return path;
            }
            problems.Add($"{Source("--staking")}: {problem}");
            return null;
        }

        LogLevel Level(string? text)
        {
            switch (text)
            {
                case null or "" or "warn":
                    return LogLevel.Warning;
                case "error":
                    return LogLevel.Error;
                case "info":
                    return LogLevel.Information;
                case "debug":
                    return LogLevel.Debug;
                default:
                    problems.Add($"{Source("--log-level")}: '{text}' is not one of error|warn|info|debug");
                    return LogLevel.Warning;
            }
        }
    }
}
