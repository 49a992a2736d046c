using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Tests.Configuration;

public sealed class EnvironmentNameTests
{
    private static TestEnvironment Production() =>
        TestEnvironment.Valid().With("DIXIE_ENV", "production").With("DIXIE_ADMIN_KEY", "3b9f0c6d2a8e41f7b5c09e6d1a4f8c27");

    [Theory]
    [InlineData("development", DixieEnvironment.Development, "Development")]
    [InlineData("test", DixieEnvironment.Test, "Test")]
    [InlineData("staging", DixieEnvironment.Staging, "Staging")]
    [InlineData("production", DixieEnvironment.Production, "Production")]
    [InlineData("PRODUCTION", DixieEnvironment.Production, "Production")]
    public void Each_environment_name_maps_to_the_host_environment(string value, DixieEnvironment expected, string hostName)
    {
        var config = Production().With("DIXIE_ENV", value).LoadValid();
        Assert.Equal(expected, config.Environment);
        Assert.Equal(hostName, config.HostEnvironmentName);
    }

    [Fact]
    public void Unset_environment_means_development()
    {
        Assert.Equal(DixieEnvironment.Development, TestEnvironment.Valid().Without("DIXIE_ENV").LoadValid().Environment);
    }

    [Theory]
    [InlineData("test", DixieEnvironment.Test)]
    [InlineData("staging", DixieEnvironment.Staging)]
    public void Node_env_is_read_when_dixie_env_is_unset(string value, DixieEnvironment expected)
    {
        var result = TestEnvironment.Valid().Without("DIXIE_ENV").With("NODE_ENV", value).Load();
        Assert.Equal(expected, result.Config!.Environment);
        Assert.DoesNotContain(result.Warnings, w => w.Variable is "DIXIE_ENV" or "NODE_ENV");
    }

    [Fact]
    public void Dixie_env_wins_over_node_env_with_a_warning_naming_both()
    {
        var result = TestEnvironment.Valid().With("DIXIE_ENV", "staging").With("NODE_ENV", "development").Load();
        Assert.Equal(DixieEnvironment.Staging, result.Config!.Environment);
        var warning = Assert.Single(result.Warnings, w => w.Variable == "DIXIE_ENV");
        Assert.Contains("NODE_ENV=development", warning.Reason, StringComparison.Ordinal);
        Assert.Contains("DIXIE_ENV=staging", warning.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_dixie_env_is_a_problem()
    {
        var reason = TestEnvironment.Valid().With("DIXIE_ENV", "prod").LoadSingleProblem("DIXIE_ENV");
        Assert.Equal("must be one of development, test, staging, production (got \"prod\")", reason);
    }

    [Fact]
    public void Unknown_node_env_is_a_problem_when_it_is_the_one_read()
    {
        TestEnvironment.Valid().Without("DIXIE_ENV").With("NODE_ENV", "dev").LoadSingleProblem("NODE_ENV");
    }

    [Fact]
    public void Unknown_node_env_is_not_read_when_dixie_env_is_set()
    {
        var result = TestEnvironment.Valid().With("NODE_ENV", "dev").Load();
        Assert.True(result.IsValid);
        Assert.Single(result.Warnings, w => w.Variable == "DIXIE_ENV");
    }

    [Fact]
    public void Redis_unset_warns_in_staging_and_production_only()
    {
        Assert.DoesNotContain(TestEnvironment.Valid().Load().Warnings, w => w.Variable == "REDIS_URL");
        foreach (var name in new[] { "staging", "production" })
        {
            var result = Production().With("DIXIE_ENV", name).Load();
            Assert.Contains(result.Warnings, w => w.Variable == "REDIS_URL" && w.Reason.Contains("single instance only", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Format_nonce_mode_warns_outside_development_and_test()
    {
        var inTest = TestEnvironment.Valid().With("DIXIE_SIWE_NONCE_MODE", "format").Load();
        Assert.Equal(SiweNonceMode.Format, inTest.Config!.Auth.SiweNonceMode);
        Assert.Empty(inTest.Warnings);
        var inProduction = Production().With("DIXIE_SIWE_NONCE_MODE", "FORMAT").With("REDIS_URL", "redis://127.0.0.1:6379").Load();
        Assert.Equal("DIXIE_SIWE_NONCE_MODE", Assert.Single(inProduction.Warnings).Variable);
    }

    [Fact]
    public void Database_scope_validates_only_its_variables()
    {
        var environment = TestEnvironment.Valid().Without("FINN_URL").Without("DIXIE_JWT_PRIVATE_KEY")
            .With("DIXIE_RATE_LIMIT_RPM", "abc").With("LOG_LEVEL", "DEBUG").With("DATABASE_POOL_SIZE", "7");
        var result = environment.Load(ConfigScope.Database);
        Assert.True(result.IsValid);
        Assert.Null(result.Config);
        Assert.Equal(DixieEnvironment.Test, result.Database!.Environment);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, result.Database.LogLevel);
        Assert.Contains("Maximum Pool Size=7", result.Database.DatabaseConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public void Database_scope_reports_its_own_problems()
    {
        var result = TestEnvironment.Valid().Without("DATABASE_URL").With("LOG_LEVEL", "trace").Load(ConfigScope.Database);
        Assert.Equal(["LOG_LEVEL", "DATABASE_URL"], result.Problems.Select(p => p.Variable));
        Assert.Null(result.Database);
    }

    [Fact]
    public void Service_scope_also_fills_the_database_subset()
    {
        var result = TestEnvironment.Valid().Without("FINN_URL").Load();
        Assert.False(result.IsValid);
        Assert.NotNull(result.Database);
    }
}
