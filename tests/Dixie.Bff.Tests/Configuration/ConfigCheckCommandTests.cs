using System.Text.RegularExpressions;
using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Tests.Configuration;

public sealed class ConfigCheckCommandTests
{
    private static (int ExitCode, string Stdout, string Stderr) Run(TestEnvironment environment)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = ConfigCheckCommand.Run(environment.Values, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Missing_required_variables_give_exit_2_and_exactly_three_problem_lines()
    {
        var (exitCode, stdout, stderr) = Run(TestEnvironment.Valid().Without("FINN_URL").Without("DIXIE_JWT_PRIVATE_KEY").Without("DATABASE_URL"));
        Assert.Equal(ConfigExitCodes.Invalid, exitCode);
        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        var lines = Lines(stderr);
        Assert.Equal("dixie-bff: invalid configuration (3 problems)", lines[0]);
        Assert.Equal(3, lines.Length - 1);
        Assert.StartsWith("FINN_URL: required", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("DIXIE_JWT_PRIVATE_KEY: required", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("DATABASE_URL: required", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Report_printer_writes_the_header_and_one_line_per_problem()
    {
        var result = TestEnvironment.Valid().With("DIXIE_RATE_LIMIT_RPM", "abc").With("DIXIE_JWT_PRIVATE_KEY", "Zq7Kp2Wm9Xr4").Load();
        using var writer = new StringWriter();
        ConfigReport.WriteProblems(result, writer);
        Assert.Equal(
            "dixie-bff: invalid configuration (2 problems)\n"
            + "DIXIE_JWT_PRIVATE_KEY: HS256 key must be at least 32 characters (has 12); generate one with: openssl rand -hex 32\n"
            + "DIXIE_RATE_LIMIT_RPM: must be an integer from 1 to 1000000 (got \"abc\")\n",
            writer.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void No_output_of_a_failing_run_contains_a_secret()
    {
        const string jwtKey = "Zq7Kp2Wm9Xr4";
        const string adminKey = "Ad9Kx3Lm7Q";
        const string dbPassword = "Pw5Secret8Zy";
        var environments = new[]
        {
            TestEnvironment.Valid().With("DATABASE_URL", $"postgresql://dixie:{dbPassword}@db/dixie?bogus=1"),
            TestEnvironment.Valid().With("DATABASE_URL", $"Host=db;Password={dbPassword};Nonsense=1"),
            TestEnvironment.Valid().With("DATABASE_URL", $"postgresql://dixie:{dbPassword}@db:x/dixie"),
        };
        foreach (var environment in environments)
        {
            var (exitCode, stdout, stderr) = Run(environment.With("DIXIE_JWT_PRIVATE_KEY", jwtKey).With("DIXIE_ADMIN_KEY", adminKey));
            Assert.Equal(2, exitCode);
            Assert.Equal(4, Lines(stderr).Length);
            foreach (var secret in new[] { jwtKey, adminKey, dbPassword })
            {
                Assert.DoesNotContain(secret, stdout + stderr, StringComparison.Ordinal);
            }
            Assert.Contains("has 12", stderr, StringComparison.Ordinal);
            Assert.Contains("has 10", stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Valid_configuration_prints_every_variable_in_table_order_with_its_source()
    {
        var (exitCode, stdout, stderr) = Run(TestEnvironment.Valid().With("REDIS_URL", "redis://:Rp4ssw0rd@cache:6379/2")
            .With("NATS_URL", "nats://Tok3nValue@nats:4222").With("DIXIE_ADMIN_KEY", "3b9f0c6d2a8e41f7b5c09e6d1a4f8c27"));
        Assert.Equal(0, exitCode);
        Assert.Empty(stderr);
        var lines = Lines(stdout);
        Assert.Equal(ConfigVariables.All, lines.Select(line => line[..line.IndexOf('=')]));
        Assert.All(lines, line => Assert.Matches(new Regex("^[A-Z_]+=.*  # (env|default|derived)$"), line));

        var byName = lines.ToDictionary(line => line[..line.IndexOf('=')], line => line[(line.IndexOf('=') + 1)..]);
        Assert.Equal("test  # env", byName["DIXIE_ENV"]);
        Assert.Equal("3001  # default", byName["DIXIE_PORT"]);
        Assert.Equal("  # default", byName["PORT"]);
        Assert.Equal("http://localhost:3001  # derived", byName["DIXIE_CORS_ORIGINS"]);
        Assert.Equal("http://127.0.0.1:3000  # env", byName["FINN_URL"]);
        Assert.Equal("ws://127.0.0.1:3000  # derived", byName["FINN_WS_URL"]);
        Assert.Equal("HS256  # derived", byName["DIXIE_JWT_ALG"]);
        Assert.Equal("<set, 32 characters>  # env", byName["DIXIE_JWT_PRIVATE_KEY"]);
        Assert.Equal("<set, 32 characters>  # env", byName["DIXIE_ADMIN_KEY"]);
        Assert.Equal("<unset>  # default", byName["DIXIE_FINN_AUTH_TOKEN"]);
        Assert.Equal("redis  # derived", byName["DIXIE_RATE_LIMIT_BACKEND"]);
        Assert.Equal("redis://***@cache:6379/2  # env", byName["REDIS_URL"]);
        Assert.Equal("nats://***@nats:4222  # env", byName["NATS_URL"]);
        Assert.Contains("Password=***", byName["DATABASE_URL"], StringComparison.Ordinal);
        Assert.Equal("10  # default", byName["DATABASE_POOL_SIZE"]);
        foreach (var secret in new[] { TestEnvironment.HmacKey, "Rp4ssw0rd", "Tok3nValue", "3b9f0c6d2a8e41f7b5c09e6d1a4f8c27", "Password=dixie" })
        {
            Assert.DoesNotContain(secret, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Environment_taken_from_node_env_is_marked_derived()
    {
        var (_, stdout, _) = Run(TestEnvironment.Valid().Without("DIXIE_ENV").With("NODE_ENV", "test"));
        Assert.Contains("DIXIE_ENV=test  # derived\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("NODE_ENV=test  # env\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_go_to_stderr_and_do_not_fail_the_check()
    {
        var (exitCode, stdout, stderr) = Run(TestEnvironment.Valid().With("DIXIE_X402_ENABLED", "true"));
        Assert.Equal(0, exitCode);
        Assert.NotEmpty(stdout);
        Assert.Contains("DIXIE_X402_ENABLED: ignored: not supported by this implementation", stderr, StringComparison.Ordinal);
    }
}
