using Npgsql;

namespace Dixie.Bff.Tests.Configuration;

public sealed class DatabaseUrlTests
{
    private static NpgsqlConnectionStringBuilder Load(string databaseUrl, string? poolSize = null)
    {
        var environment = TestEnvironment.Valid().With("DATABASE_URL", databaseUrl).With("DATABASE_POOL_SIZE", poolSize);
        return new NpgsqlConnectionStringBuilder(environment.LoadValid().Data.DatabaseConnectionString);
    }

    [Fact]
    public void Url_and_key_value_forms_of_the_same_target_give_equal_settings()
    {
        var fromUrl = Load("postgresql://dixie:s3cret@db.internal:5433/dixie_prod?sslmode=require");
        var fromKeyValue = Load("Host=db.internal;Port=5433;Username=dixie;Password=s3cret;Database=dixie_prod;SSL Mode=Require");
        Assert.True(fromUrl.EquivalentTo(fromKeyValue), $"{fromUrl.ConnectionString} vs {fromKeyValue.ConnectionString}");
    }

    [Fact]
    public void Data_source_settings_of_spec_09_are_applied()
    {
        var builder = Load(TestEnvironment.DatabaseUrl);
        Assert.Equal("127.0.0.1", builder.Host);
        Assert.Equal(5432, builder.Port);
        Assert.Equal("dixie", builder.Username);
        Assert.Equal("dixie", builder.Database);
        Assert.Equal(10, builder.MaxPoolSize);
        Assert.Equal(30, builder.CommandTimeout);
        Assert.Equal(5, builder.Timeout);
        Assert.Equal("dixie-bff", builder.ApplicationName);
        Assert.False(builder.IncludeErrorDetail);
        // ADR-016: no reset statement per checkout, hot statements prepared.
        Assert.True(builder.NoResetOnClose);
        Assert.Equal(64, builder.MaxAutoPrepare);
    }

    [Fact]
    public void Auto_prepare_can_be_turned_off_for_a_transaction_pooler()
    {
        var builder = Load("Host=pgbouncer;Username=dixie;Max Auto Prepare=0");
        Assert.Equal(0, builder.MaxAutoPrepare);
        Assert.True(builder.NoResetOnClose);
    }

    [Fact]
    public void Values_named_by_the_connection_string_are_kept_except_the_ones_the_service_owns()
    {
        var builder = Load("postgres://dixie@db/app?connect_timeout=12&application_name=migrator");
        Assert.Equal(12, builder.Timeout);
        Assert.Equal("migrator", builder.ApplicationName);
        var keyValue = Load("Host=db;Username=dixie;Include Error Detail=true;Command Timeout=300;Timeout=9;Application Name=x");
        Assert.False(keyValue.IncludeErrorDetail);
        Assert.Equal(30, keyValue.CommandTimeout);
        Assert.Equal(9, keyValue.Timeout);
        Assert.Equal("x", keyValue.ApplicationName);
    }

    [Fact]
    public void Percent_encoded_password_and_database_are_decoded()
    {
        var builder = Load("postgresql://dixie:p%40ss%3Aw%2Fo%23rd@db/my%20db");
        Assert.Equal("p@ss:w/o#rd", builder.Password);
        Assert.Equal("my db", builder.Database);
    }

    [Fact]
    public void Ipv6_host_in_brackets_is_accepted()
    {
        var builder = Load("postgresql://dixie:pw@[::1]:6543/dixie");
        Assert.Equal("::1", builder.Host);
        Assert.Equal(6543, builder.Port);
    }

    [Fact]
    public void Database_defaults_to_the_user_name()
    {
        Assert.Equal("alice", Load("postgresql://alice:pw@db").Database);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Sslmode_maps_to_the_npgsql_ssl_mode(string value, SslMode expected)
    {
        Assert.Equal(expected, Load($"postgresql://dixie:pw@db/dixie?sslmode={value}").SslMode);
    }

    [Fact]
    public void Other_query_parameters_map_to_their_settings()
    {
        var builder = Load("postgresql://dixie@/dixie?host=/var/run/postgresql&sslrootcert=/etc/ca.pem&options=-c%20search_path%3Ddixie");
        Assert.Equal("/var/run/postgresql", builder.Host);
        Assert.Equal("/etc/ca.pem", builder.RootCertificate);
        Assert.Equal("-c search_path=dixie", builder.Options);
    }

    [Fact]
    public void Unknown_sslmode_is_a_problem()
    {
        var reason = TestEnvironment.Valid().With("DATABASE_URL", "postgresql://dixie:pw@db/dixie?sslmode=on").LoadSingleProblem("DATABASE_URL");
        Assert.Contains("sslmode must be one of", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_query_parameter_is_a_problem_naming_it()
    {
        var reason = TestEnvironment.Valid().With("DATABASE_URL", "postgresql://dixie:pw@db/dixie?pool_max=5").LoadSingleProblem("DATABASE_URL");
        Assert.Contains("unknown query parameter \"pool_max\"", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unexpanded_compose_reference_is_a_problem()
    {
        var reason = TestEnvironment.Valid().With("DATABASE_URL", "postgresql://dixie:${POSTGRES_PASSWORD}@postgres:5432/dixie")
            .LoadSingleProblem("DATABASE_URL");
        Assert.Contains("unexpanded variable reference", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgresql://dixie:pw@db:notaport/dixie")]
    [InlineData("postgresql://dixie:pw@/dixie")]
    [InlineData("Host=db;Frobnicate=yes;Password=Pw5Secret8Zy")]
    [InlineData("just some text Pw5Secret8Zy")]
    public void Unparsable_value_is_one_problem_that_does_not_echo_it(string value)
    {
        var reason = TestEnvironment.Valid().With("DATABASE_URL", value).LoadSingleProblem("DATABASE_URL");
        Assert.StartsWith("not a valid connection string", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Pw5Secret8Zy", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(":pw@", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Database_url_is_required()
    {
        Assert.StartsWith("required", TestEnvironment.Valid().Without("DATABASE_URL").LoadSingleProblem("DATABASE_URL"), StringComparison.Ordinal);
    }

    [Fact]
    public void Pool_size_variable_overrides_the_connection_string()
    {
        Assert.Equal(7, Load("Host=db;Username=dixie;Maximum Pool Size=25", poolSize: "7").MaxPoolSize);
    }

    [Fact]
    public void Connection_string_pool_size_is_kept_when_the_variable_is_unset()
    {
        Assert.Equal(25, Load("Host=db;Username=dixie;MaxPoolSize=25").MaxPoolSize);
        Assert.Equal(10, Load("Host=db;Username=dixie").MaxPoolSize);
    }

    [Fact]
    public void Placeholder_password_is_refused_only_in_production()
    {
        var environment = TestEnvironment.Valid().With("DATABASE_URL", "postgresql://dixie:change-me@db/dixie");
        Assert.True(environment.Load().IsValid);
        var reason = environment.With("DIXIE_ENV", "production").With("DIXIE_ADMIN_KEY", new string('a', 16)).LoadSingleProblem("DATABASE_URL");
        Assert.Contains("placeholder", reason, StringComparison.Ordinal);
    }
}
