using Dixie.Bff.Infrastructure.Configuration;
using Npgsql;

namespace Dixie.Bff.Tests.Configuration;

public sealed class IntegerVariableTests
{
    private sealed record IntegerVariable(long Min, long Max, long Default, Func<DixieConfig, long> Effective);

    private static readonly Dictionary<string, IntegerVariable> Variables = new()
    {
        ["PORT"] = new(1, 65535, 3001, c => c.Http.Port),
        ["DIXIE_PORT"] = new(1, 65535, 3001, c => c.Http.Port),
        ["DIXIE_FINN_TIMEOUT_MS"] = new(1000, 600000, 30000, c => (long)c.Finn.Timeout.TotalMilliseconds),
        ["DIXIE_FINN_HEALTH_TIMEOUT_MS"] = new(100, 30000, 3000, c => (long)c.Finn.HealthTimeout.TotalMilliseconds),
        ["DIXIE_JWT_TTL_SECONDS"] = new(60, 86400, 3600, c => c.Auth.JwtTtlSeconds),
        ["DIXIE_SIWE_MAX_AGE_SECONDS"] = new(30, 86400, 600, c => c.Auth.SiweMaxAgeSeconds),
        ["DIXIE_RATE_LIMIT_RPM"] = new(1, 1000000, 100, c => c.Access.RateLimitRpm),
        ["DIXIE_REPUTATION_QUERY_RPM"] = new(1, 1000000, 6000, c => c.Access.ReputationQueryRpm),
        ["DIXIE_AGENT_RATE_LIMIT_PER_MINUTE"] = new(1, 1000000, 30, c => c.Access.AgentRateLimitPerMinute),
        ["DIXIE_AGENT_RATE_LIMIT_PER_DAY"] = new(1, 1000000, 1000, c => c.Access.AgentRateLimitPerDay),
        ["DIXIE_CONVICTION_TIER_TTL"] = new(1, 86400, 300, c => c.Access.ConvictionTierTtlSeconds),
        ["DATABASE_POOL_SIZE"] = new(1, 100, 10, c => new NpgsqlConnectionStringBuilder(c.Data.DatabaseConnectionString).MaxPoolSize),
        ["DIXIE_NATS_STREAM_REPLICAS"] = new(1, 5, 1, c => c.Data.NatsStreamReplicas),
        ["DIXIE_OUTBOX_POLL_MS"] = new(50, 60000, 1000, c => (long)c.Data.OutboxPollInterval.TotalMilliseconds),
        ["DIXIE_FLEET_TASK_TIMEOUT_MINUTES"] = new(1, 1440, 120, c => c.Fleet.TaskTimeoutMinutes),
        ["DIXIE_FLEET_MONITOR_INTERVAL_SECONDS"] = new(1, 3600, 30, c => c.Fleet.MonitorIntervalSeconds),
        ["DIXIE_FLEET_STOP_GRACE_SECONDS"] = new(1, 60, 10, c => c.Fleet.StopGraceSeconds),
    };

    public static TheoryData<string> Names() => new(Variables.Keys);

    public static TheoryData<string, string> Malformed()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Variables.Keys)
        {
            foreach (var value in new[] { "12abc", "1.5", "1e3", "0x10", "-1", "+5", "abc" })
            {
                data.Add(name, value);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Both_ends_of_the_range_are_accepted(string name)
    {
        var variable = Variables[name];
        foreach (var value in new[] { variable.Min, variable.Max })
        {
            var config = TestEnvironment.Valid().With(name, value.ToString()).LoadValid();
            Assert.Equal(value, variable.Effective(config));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Values_outside_the_range_are_problems_not_clamped(string name)
    {
        var variable = Variables[name];
        foreach (var value in new[] { variable.Min - 1, variable.Max + 1 })
        {
            var reason = TestEnvironment.Valid().With(name, value.ToString()).LoadSingleProblem(name);
            Assert.Equal($"must be an integer from {variable.Min} to {variable.Max} (got \"{value}\")", reason);
        }
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Anything_but_plain_digits_is_a_problem(string name, string value)
    {
        var reason = TestEnvironment.Valid().With(name, value).LoadSingleProblem(name);
        Assert.StartsWith("must be an integer from", reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Empty_or_blank_means_the_default(string name)
    {
        foreach (var value in new[] { "", "   " })
        {
            var config = TestEnvironment.Valid().With(name, value).LoadValid();
            Assert.Equal(Variables[name].Default, Variables[name].Effective(config));
        }
    }

    [Fact]
    public void Surrounding_whitespace_is_trimmed()
    {
        var config = TestEnvironment.Valid().With("DIXIE_RATE_LIMIT_RPM", "  250 ").LoadValid();
        Assert.Equal(250, config.Access.RateLimitRpm);
    }

    [Fact]
    public void Rate_limit_above_the_old_maximum_is_honoured()
    {
        var config = TestEnvironment.Valid().With("DIXIE_RATE_LIMIT_RPM", "50000").LoadValid();
        Assert.Equal(50000, config.Access.RateLimitRpm);
    }

    [Fact]
    public void Every_integer_variable_of_the_spec_is_covered()
    {
        // A guard: an integer variable added to §3 without a case here would go untested.
        Assert.Equal(17, Variables.Count);
        Assert.All(Variables.Keys, name => Assert.Contains(name, ConfigVariables.All));
    }
}
