using System.Net;
using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Tests.Configuration;

public sealed class HttpVariableTests
{
    [Fact]
    public void Port_beats_dixie_port()
    {
        Assert.Equal(8081, TestEnvironment.Valid().With("PORT", "8081").With("DIXIE_PORT", "3005").LoadValid().Http.Port);
        Assert.Equal(3005, TestEnvironment.Valid().With("DIXIE_PORT", "3005").LoadValid().Http.Port);
    }

    [Fact]
    public void Invalid_port_is_a_problem_without_fallback()
    {
        var reason = TestEnvironment.Valid().With("PORT", "80a").With("DIXIE_PORT", "3005").LoadSingleProblem("PORT");
        Assert.Equal("must be an integer from 1 to 65535 (got \"80a\")", reason);
    }

    [Fact]
    public void Aspnetcore_port_variables_have_no_effect()
    {
        var config = TestEnvironment.Valid().With("ASPNETCORE_HTTP_PORTS", "8080").With("ASPNETCORE_URLS", "http://+:8080").LoadValid();
        Assert.Equal(3001, config.Http.Port);
    }

    [Fact]
    public void Cors_default_follows_the_port()
    {
        Assert.Equal(["http://localhost:4000"], TestEnvironment.Valid().With("PORT", "4000").LoadValid().Http.CorsOrigins);
    }

    [Fact]
    public void Cors_wildcard_is_refused()
    {
        var reason = TestEnvironment.Valid().With("DIXIE_CORS_ORIGINS", "http://localhost:3001,*").LoadSingleProblem("DIXIE_CORS_ORIGINS");
        Assert.StartsWith("item 2 (\"*\")", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://app.example.com/path")]
    [InlineData("https://app.example.com?x=1")]
    [InlineData("https://app.example.com#top")]
    [InlineData("ftp://app.example.com")]
    [InlineData("app.example.com")]
    [InlineData("https://user@app.example.com")]
    public void Cors_origin_that_is_not_scheme_host_port_is_refused(string origin)
    {
        var reason = TestEnvironment.Valid().With("DIXIE_CORS_ORIGINS", origin).LoadSingleProblem("DIXIE_CORS_ORIGINS");
        Assert.Contains("must be an origin scheme://host[:port]", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cors_empty_items_and_duplicates_are_dropped_and_one_trailing_slash_removed()
    {
        var config = TestEnvironment.Valid()
            .With("DIXIE_CORS_ORIGINS", " https://App.Example.com/ ,, http://localhost:5173,https://app.example.com,").LoadValid();
        Assert.Equal(["https://app.example.com", "http://localhost:5173"], config.Http.CorsOrigins);
    }

    [Fact]
    public void Siwe_domains_default_to_origin_authorities_plus_local_names_in_development_and_test()
    {
        var environment = TestEnvironment.Valid().With("DIXIE_CORS_ORIGINS", "https://app.example.com,http://localhost:5173");
        Assert.Equal(["app.example.com", "localhost:5173", "localhost", "127.0.0.1"], environment.LoadValid().Auth.SiweDomains);
        Assert.Equal(["app.example.com", "localhost:5173", "localhost", "127.0.0.1"],
            environment.With("DIXIE_ENV", "development").LoadValid().Auth.SiweDomains);
        Assert.Equal(["app.example.com", "localhost:5173"], environment.With("DIXIE_ENV", "staging").LoadValid().Auth.SiweDomains);
    }

    [Fact]
    public void Siwe_domains_when_set_are_validated_and_lower_cased()
    {
        var config = TestEnvironment.Valid().With("DIXIE_SIWE_DOMAINS", "App.Example.com,localhost:3001,[::1]:8080,10.0.0.1").LoadValid();
        Assert.Equal(["app.example.com", "localhost:3001", "[::1]:8080", "10.0.0.1"], config.Auth.SiweDomains);
        foreach (var bad in new[] { "https://app.example.com", "app.example.com/login", "host:99999", "::1" })
        {
            TestEnvironment.Valid().With("DIXIE_SIWE_DOMAINS", bad).LoadSingleProblem("DIXIE_SIWE_DOMAINS");
        }
    }

    [Fact]
    public void Siwe_chain_ids_are_integers_in_range()
    {
        Assert.Equal([1L, 8453L, long.MaxValue],
            TestEnvironment.Valid().With("DIXIE_SIWE_CHAIN_IDS", $"1, 8453,,{long.MaxValue},1").LoadValid().Auth.SiweChainIds);
        Assert.Empty(TestEnvironment.Valid().LoadValid().Auth.SiweChainIds);
        foreach (var bad in new[] { "0", "9223372036854775808", "0x1", "-1" })
        {
            TestEnvironment.Valid().With("DIXIE_SIWE_CHAIN_IDS", bad).LoadSingleProblem("DIXIE_SIWE_CHAIN_IDS");
        }
    }

    [Fact]
    public void Trusted_proxies_accept_addresses_and_cidr_blocks()
    {
        var config = TestEnvironment.Valid().With("DIXIE_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12,fd00::/8,10.1.2.3/8").LoadValid();
        Assert.Equal(
            [new IPNetwork(IPAddress.Parse("10.0.0.1"), 32), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("fd00::/8"), IPNetwork.Parse("10.0.0.0/8")],
            config.Http.TrustedProxies);
    }

    [Fact]
    public void Ipv4_mapped_proxies_are_the_ipv4_proxies_peers_are_compared_with()
    {
        var config = TestEnvironment.Valid().With("DIXIE_TRUSTED_PROXIES", "::ffff:10.0.0.1,::ffff:172.16.0.0/108").LoadValid();
        Assert.Equal([new IPNetwork(IPAddress.Parse("10.0.0.1"), 32), IPNetwork.Parse("172.16.0.0/12")], config.Http.TrustedProxies);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("10.0.0.0/33")]
    [InlineData("proxy.internal")]
    [InlineData("10.0.0.0/")]
    public void Trusted_proxy_that_does_not_parse_is_a_problem(string item)
    {
        TestEnvironment.Valid().With("DIXIE_TRUSTED_PROXIES", item).LoadSingleProblem("DIXIE_TRUSTED_PROXIES");
    }

    [Fact]
    public void Trusting_a_whole_address_family_is_a_warning()
    {
        var result = TestEnvironment.Valid().With("DIXIE_TRUSTED_PROXIES", "0.0.0.0/0,::/0").Load();
        Assert.True(result.IsValid);
        Assert.Equal(2, result.Warnings.Count(w => w.Variable == "DIXIE_TRUSTED_PROXIES"));
    }

    [Theory]
    [InlineData("error", LogLevel.Error)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData("Debug", LogLevel.Debug)]
    [InlineData("", LogLevel.Information)]
    public void Log_level_is_case_insensitive(string value, LogLevel expected)
    {
        Assert.Equal(expected, TestEnvironment.Valid().With("LOG_LEVEL", value).LoadValid().Http.LogLevel);
    }

    [Fact]
    public void Trace_log_level_is_a_problem()
    {
        Assert.Equal("must be one of error, warn, info, debug (got \"trace\")",
            TestEnvironment.Valid().With("LOG_LEVEL", "trace").LoadSingleProblem("LOG_LEVEL"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("", true)]
    public void Booleans_accept_true_false_one_zero(string value, bool expected)
    {
        Assert.Equal(expected, TestEnvironment.Valid().With("DIXIE_METRICS_ENABLED", value).LoadValid().Http.MetricsEnabled);
    }

    [Fact]
    public void Other_boolean_words_are_problems()
    {
        Assert.Equal("must be true, false, 1 or 0 (got \"yes\")",
            TestEnvironment.Valid().With("DIXIE_METRICS_ENABLED", "yes").LoadSingleProblem("DIXIE_METRICS_ENABLED"));
    }
}
