namespace Dixie.Bff.Tests.Configuration;

public sealed class AccessVariableTests
{
    private const string Checksummed = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    [Fact]
    public void Admin_key_of_15_characters_is_refused_with_its_length()
    {
        var reason = TestEnvironment.Valid().With("DIXIE_ADMIN_KEY", new string('a', 15)).LoadSingleProblem("DIXIE_ADMIN_KEY");
        Assert.StartsWith("must be at least 16 characters (has 15)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Admin_key_of_16_characters_is_accepted_and_unset_is_allowed_outside_production()
    {
        Assert.Equal(new string('a', 16), TestEnvironment.Valid().With("DIXIE_ADMIN_KEY", new string('a', 16)).LoadValid().Access.AdminKey);
        Assert.Null(TestEnvironment.Valid().With("DIXIE_ENV", "staging").LoadValid().Access.AdminKey);
    }

    [Fact]
    public void Admin_key_is_required_in_production()
    {
        var reason = TestEnvironment.Valid().With("DIXIE_ENV", "production").LoadSingleProblem("DIXIE_ADMIN_KEY");
        Assert.StartsWith("required in production", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Admin_key_with_whitespace_is_refused()
    {
        TestEnvironment.Valid().With("DIXIE_ADMIN_KEY", new string('a', 20) + "\n").LoadSingleProblem("DIXIE_ADMIN_KEY");
    }

    [Theory]
    [InlineData("development")]
    [InlineData("test")]
    [InlineData("staging")]
    public void Placeholder_secrets_are_allowed_outside_production(string environment)
    {
        var result = TestEnvironment.Valid().With("DIXIE_ENV", environment)
            .With("DIXIE_ADMIN_KEY", "change-me-change-me").With("DIXIE_FINN_AUTH_TOKEN", "CHANGE-ME").Load();
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Fact]
    public void Placeholder_secrets_are_refused_in_production()
    {
        var result = TestEnvironment.Valid().With("DIXIE_ENV", "production")
            .With("DIXIE_ADMIN_KEY", "change-me-change-me").With("DIXIE_FINN_AUTH_TOKEN", "CHANGE-ME")
            .With("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=change-me").With("REDIS_URL", "redis://:change-me@cache").Load();
        Assert.Equal(["DIXIE_FINN_AUTH_TOKEN", "DIXIE_ADMIN_KEY", "REDIS_URL", "OTEL_EXPORTER_OTLP_HEADERS"], result.Problems.Select(p => p.Variable));
        Assert.All(result.Problems, problem => Assert.Contains("placeholder", problem.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Admin_wallets_are_stored_in_eip55_form()
    {
        var config = TestEnvironment.Valid()
            .With("DIXIE_ADMIN_WALLETS", $"{Checksummed.ToLowerInvariant()}, 0x70997970C51812DC3A010C7D01B50E0D17DC79C8,{Checksummed}").LoadValid();
        Assert.Equal([Checksummed, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"], config.Access.AdminWallets);
    }

    [Fact]
    public void Admin_wallet_with_a_bad_checksum_is_refused()
    {
        var reason = TestEnvironment.Valid().With("DIXIE_ADMIN_WALLETS", "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266").LoadSingleProblem("DIXIE_ADMIN_WALLETS");
        Assert.Contains("invalid EIP-55 checksum", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0x1234")]
    [InlineData("f39fd6e51aad88f6f4ce6ab8827279cfffb92266")]
    [InlineData("0xg39fd6e51aad88f6f4ce6ab8827279cfffb92266")]
    public void Admin_wallet_that_is_not_an_address_is_refused(string item)
    {
        var reason = TestEnvironment.Valid().With("DIXIE_ADMIN_WALLETS", $"{Checksummed},{item}").LoadSingleProblem("DIXIE_ADMIN_WALLETS");
        Assert.StartsWith("item 2 ", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowlist_path_naming_a_directory_is_refused()
    {
        TestEnvironment.Valid().With("DIXIE_ALLOWLIST_PATH", Path.GetTempPath()).LoadSingleProblem("DIXIE_ALLOWLIST_PATH");
    }

    [Fact]
    public void Allowlist_path_in_a_missing_directory_is_a_warning()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"dixie-missing-{Guid.NewGuid():N}", "allowlist.json");
        var result = TestEnvironment.Valid().With("DIXIE_ALLOWLIST_PATH", missing).Load();
        Assert.True(result.IsValid);
        Assert.Contains("does not exist", Assert.Single(result.Warnings).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_allowlist_path_resolves_against_the_working_directory()
    {
        var config = TestEnvironment.Valid().With("DIXIE_ALLOWLIST_PATH", "allowlist.json").LoadValid();
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "allowlist.json"), config.Access.AllowlistPath);
    }
}
