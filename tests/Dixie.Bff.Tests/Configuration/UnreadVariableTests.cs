namespace Dixie.Bff.Tests.Configuration;

public sealed class UnreadVariableTests
{
    [Theory]
    [InlineData("DIXIE_X402_ENABLED")]
    [InlineData("BILLING_INTERNAL_JWT_SECRET")]
    [InlineData("DIXIE_RECALL_INTAKE_URL")]
    [InlineData("STRAYLIGHT_RUNTIME_DIXIE_KEY")]
    [InlineData("DIXIE_MEMORY_PROJECTION_TTL")]
    [InlineData("DIXIE_JWT_LEGACY_HS256_SECRET")]
    [InlineData("DIXIE_ALLOWLIST_POLL")]
    public void Dropped_variable_gives_a_warning_not_a_problem(string name)
    {
        var result = TestEnvironment.Valid().With(name, "1").Load();
        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal((name, "ignored: not supported by this implementation"), (warning.Variable, warning.Reason));
    }

    [Fact]
    public void Unknown_dixie_variable_gives_a_typo_warning()
    {
        var result = TestEnvironment.Valid().With("DIXIE_RATE_LIMT_RPM", "5").Load();
        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("DIXIE_RATE_LIMT_RPM", "unknown variable (typo?)"), (warning.Variable, warning.Reason));
    }

    [Theory]
    [InlineData("DIXIE_SMOKE_BASE_URL")]
    [InlineData("DIXIE_E2E_URL")]
    [InlineData("DIXIE_TASK_ID")]
    [InlineData("SOME_OTHER_TOOL_SETTING")]
    [InlineData("POSTGRES_PASSWORD")]
    public void Test_tooling_and_foreign_variables_give_no_warning(string name)
    {
        Assert.Empty(TestEnvironment.Valid().With(name, "x").Load().Warnings);
    }

    [Fact]
    public void Empty_unknown_variable_counts_as_unset()
    {
        Assert.Empty(TestEnvironment.Valid().With("DIXIE_TYPO", " ").Load().Warnings);
    }
}
