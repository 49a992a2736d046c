using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Tests.Configuration;

public sealed class RedisAndNatsTests
{
    private static RedisSettings Redis(string url) => TestEnvironment.Valid().With("REDIS_URL", url).LoadValid().Data.Redis!;

    [Fact]
    public void Plain_redis_url_uses_defaults()
    {
        var redis = Redis("redis://cache.internal");
        Assert.Equal(("cache.internal", 6379, 0, false), (redis.Host, redis.Port, redis.Database, redis.UseTls));
        Assert.Null(redis.User);
        Assert.Null(redis.Password);
    }

    [Fact]
    public void Rediss_turns_tls_on()
    {
        var redis = Redis("rediss://cache.internal:6380");
        Assert.True(redis.UseTls);
        Assert.Equal(6380, redis.Port);
    }

    [Fact]
    public void Password_only_userinfo_is_accepted()
    {
        var redis = Redis("redis://:s%40cret@cache:6379");
        Assert.Null(redis.User);
        Assert.Equal("s@cret", redis.Password);
    }

    [Fact]
    public void User_and_password_userinfo_is_accepted()
    {
        var redis = Redis("redis://dixie:secret@cache");
        Assert.Equal(("dixie", "secret"), (redis.User, redis.Password));
    }

    [Fact]
    public void Database_number_follows_the_host()
    {
        Assert.Equal(3, Redis("redis://cache/3").Database);
        Assert.StartsWith("the database after the host must be a non-negative integer",
            TestEnvironment.Valid().With("REDIS_URL", "redis://cache/x").LoadSingleProblem("REDIS_URL"), StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6_redis_host_is_accepted()
    {
        Assert.Equal("::1", Redis("redis://[::1]:6379").Host);
    }

    [Fact]
    public void Userinfo_without_colon_is_refused()
    {
        var reason = TestEnvironment.Valid().With("REDIS_URL", "redis://secretonly@cache").LoadSingleProblem("REDIS_URL");
        Assert.Contains("use :password@ or user:password@", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("secretonly", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://cache:6379")]
    [InlineData("cache:6379")]
    public void Non_redis_url_is_refused(string url)
    {
        Assert.StartsWith("not a valid Redis URL", TestEnvironment.Valid().With("REDIS_URL", url).LoadSingleProblem("REDIS_URL"), StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_query_parameters_are_ignored_with_a_warning()
    {
        var result = TestEnvironment.Valid().With("REDIS_URL", "redis://cache?ssl=true").Load();
        Assert.True(result.IsValid);
        Assert.Single(result.Warnings, w => w.Variable == "REDIS_URL");
    }

    [Fact]
    public void Redis_backend_without_redis_url_is_refused()
    {
        TestEnvironment.Valid().With("DIXIE_RATE_LIMIT_BACKEND", "redis").LoadSingleProblem("DIXIE_RATE_LIMIT_BACKEND");
    }

    [Fact]
    public void Backend_is_chosen_from_redis_url_when_unset()
    {
        Assert.Equal(RateLimitBackend.Memory, TestEnvironment.Valid().LoadValid().Access.RateLimitBackend);
        Assert.Equal(RateLimitBackend.Redis, TestEnvironment.Valid().With("REDIS_URL", "redis://cache").LoadValid().Access.RateLimitBackend);
        Assert.Equal(RateLimitBackend.Memory, TestEnvironment.Valid().With("REDIS_URL", "redis://cache")
            .With("DIXIE_RATE_LIMIT_BACKEND", "Memory").LoadValid().Access.RateLimitBackend);
    }

    [Fact]
    public void Unknown_backend_is_a_problem()
    {
        TestEnvironment.Valid().With("DIXIE_RATE_LIMIT_BACKEND", "postgres").LoadSingleProblem("DIXIE_RATE_LIMIT_BACKEND");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("staging/")]
    public void Redis_prefix_with_other_characters_is_refused(string prefix)
    {
        TestEnvironment.Valid().With("DIXIE_REDIS_PREFIX", prefix).LoadSingleProblem("DIXIE_REDIS_PREFIX");
    }

    [Fact]
    public void Redis_prefix_of_64_characters_is_accepted_and_65_refused()
    {
        Assert.Equal(64, TestEnvironment.Valid().With("DIXIE_REDIS_PREFIX", new string('a', 63) + ":").LoadValid().Data.RedisPrefix.Length);
        TestEnvironment.Valid().With("DIXIE_REDIS_PREFIX", new string('a', 65)).LoadSingleProblem("DIXIE_REDIS_PREFIX");
        Assert.Equal("staging:", TestEnvironment.Valid().With("DIXIE_REDIS_PREFIX", "staging:").LoadValid().Data.RedisPrefix);
    }

    [Fact]
    public void Nats_url_accepts_a_list_of_servers_with_credentials()
    {
        var config = TestEnvironment.Valid().With("NATS_URL", "nats://a:4222, tls://user:pw@b:4222,nats://token@c").LoadValid();
        Assert.Equal("nats://a:4222,tls://user:pw@b:4222,nats://token@c", config.Data.NatsUrl);
        Assert.Null(TestEnvironment.Valid().LoadValid().Data.NatsUrl);
    }

    [Theory]
    [InlineData("http://a:4222")]
    [InlineData("nats://")]
    [InlineData("nats://a:4222/x")]
    public void Nats_item_that_does_not_parse_is_a_problem_naming_its_position(string item)
    {
        var reason = TestEnvironment.Valid().With("NATS_URL", $"nats://ok:4222,{item}").LoadSingleProblem("NATS_URL");
        Assert.StartsWith("item 2 ", reason, StringComparison.Ordinal);
    }
}
