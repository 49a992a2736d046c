using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Tests.Deploy;

/// <summary>
/// deploy/docker-compose.staging.yml read the way Compose reads it (spec 12 §2). The syntax itself is
/// checked by `docker-compose config` in scripts/validate-deploy.sh; these tests check what it means.
/// </summary>
public sealed class ComposeFileTests
{
    private const string ComposeFile = "deploy/docker-compose.staging.yml";
    private static readonly string[] RequiredEverywhere = ["FINN_URL", "DIXIE_JWT_PRIVATE_KEY", "DATABASE_URL"];

    private static Dictionary<string, object?> Services(string file = ComposeFile) => DeployFiles.Yaml(file).Map("services");

    /// <summary>.env.example as an operator fills it in: every `change-me` replaced by a generated value.</summary>
    private static Dictionary<string, string?> FilledEnvFile()
    {
        var values = Configuration.TestEnvironment.ParseEnvFile(DeployFiles.Text(".env.example"));
        foreach (var name in values.Keys.ToList())
            values[name] = values[name]!.Replace("change-me", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), StringComparison.Ordinal);
        return values;
    }

    /// <summary>The environment the dixie-bff container gets: env_file, then the compose `environment` on top.</summary>
    private static Dictionary<string, string?> ContainerEnvironment(Dictionary<string, string?> envFile)
    {
        var service = Services().Map("dixie-bff");
        var environment = new Dictionary<string, string?>(envFile, StringComparer.Ordinal);
        foreach (var (name, value) in service.Map("environment"))
            environment[name] = DeployFiles.Interpolate((string)value!, envFile);
        return environment;
    }

    [Fact]
    public void Dixie_bff_container_environment_is_a_valid_staging_configuration()
    {
        var environment = ContainerEnvironment(FilledEnvFile());

        var result = ConfigLoader.Load(environment, ConfigScope.Service);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(DixieEnvironment.Staging, result.Config!.Environment);
        Assert.Equal("http://loa-finn:3000", result.Config.Finn.BaseUrl.ToString().TrimEnd('/'));
        foreach (var name in RequiredEverywhere.Append("DIXIE_ADMIN_KEY"))
            Assert.False(string.IsNullOrWhiteSpace(environment[name]), $"{name} is empty in the dixie-bff container");
    }

    [Fact]
    public void Every_variable_of_the_service_reaches_the_container_and_nothing_unknown_does()
    {
        var environment = ContainerEnvironment(FilledEnvFile());
        Assert.Empty(ConfigVariables.All.Except(environment.Keys));
        Assert.Equal(["POSTGRES_PASSWORD"], environment.Keys.Except(ConfigVariables.All));
        Assert.Empty(Services().Map("dixie-bff").Map("environment").Keys.Except(ConfigVariables.All));
    }

    [Fact]
    public void Compose_overrides_the_addresses_the_network_decides()
    {
        var overrides = Services().Map("dixie-bff").Map("environment");
        Assert.Equal("staging", overrides["DIXIE_ENV"]);
        Assert.Equal("ws://loa-finn:3000", overrides["FINN_WS_URL"]);
        Assert.Equal("redis://redis:6379/0", overrides["REDIS_URL"]);
        Assert.Equal("nats://nats:4222", overrides["NATS_URL"]);
        var database = DeployFiles.Interpolate((string)overrides["DATABASE_URL"]!, new Dictionary<string, string?> { ["POSTGRES_PASSWORD"] = "s3cret" });
        Assert.Equal("postgresql://dixie:s3cret@postgres:5432/dixie", database);
        Assert.Throws<InvalidOperationException>(() => DeployFiles.Interpolate((string)overrides["DATABASE_URL"]!, new Dictionary<string, string?>()));
        Assert.Equal("http://tempo:4317", DeployFiles.Interpolate((string)overrides["OTEL_EXPORTER_OTLP_ENDPOINT"]!, new Dictionary<string, string?>()));
    }

    [Fact]
    public void Only_dixie_bff_publishes_a_port_and_it_is_3001()
    {
        var services = Services();
        var published = services.Where(s => ((Dictionary<string, object?>)s.Value!).ContainsKey("ports") && s.Key != "tempo").Select(s => s.Key);
        Assert.Equal(["dixie-bff"], published);
        Assert.Equal(["3001:3001"], services.Map("dixie-bff").List("ports"));
    }

    [Fact]
    public void Images_are_pinned_and_every_long_running_service_has_a_healthcheck()
    {
        var services = Services();
        foreach (var (name, value) in services)
        {
            var service = (Dictionary<string, object?>)value!;
            // Pulled images carry a version; built ones are named by the build.
            if (!service.ContainsKey("build")) Assert.Matches(@":v?\d+\.\d+", service.Str("image"));
            if (name != "tempo") Assert.True(service.ContainsKey("healthcheck"), $"{name} has no healthcheck");
        }
        var dependsOn = services.Map("dixie-bff").Map("depends_on");
        Assert.Equal(["loa-finn", "nats", "postgres", "redis"], dependsOn.Keys.Order(StringComparer.Ordinal));
        Assert.All(dependsOn.Values, d => Assert.Equal("service_healthy", ((Dictionary<string, object?>)d!)["condition"]));
    }

    [Fact]
    public void Dixie_bff_is_built_from_the_dockerfile_and_checked_by_its_own_binary()
    {
        var service = Services().Map("dixie-bff");
        Assert.Equal("..", service.Map("build").Str("context"));
        Assert.Equal("deploy/Dockerfile", service.Map("build").Str("dockerfile"));
        Assert.Equal(["CMD", "/app/dixie-bff", "healthcheck"], service.Map("healthcheck").List("test"));
        Assert.Equal([".env.staging"], service.List("env_file"));
        Assert.Equal(["allowlist:/data"], service.List("volumes"));
        Assert.Equal("unless-stopped", service["restart"]);
    }

    [Fact]
    public void Nats_runs_jetstream_on_a_volume_and_redis_never_evicts()
    {
        var services = Services();
        var nats = services.Map("nats");
        var command = nats.List("command").Cast<string>().ToList();
        Assert.Contains("-js", command);
        Assert.Equal("/data", command[command.IndexOf("-sd") + 1]);
        Assert.Contains("natsdata:/data", nats.List("volumes"));
        Assert.Contains("wget", nats.Map("healthcheck").List("test"));

        var redis = services.Map("redis").List("command").Cast<string>().ToList();
        Assert.Equal("noeviction", redis[redis.IndexOf("--maxmemory-policy") + 1]);
    }

    [Fact]
    public void Tempo_is_an_observability_profile_with_its_config_mounted()
    {
        var tempo = Services().Map("tempo");
        Assert.Equal(["observability"], tempo.List("profiles"));
        Assert.Contains("./tempo.yaml:/etc/tempo.yaml:ro", tempo.List("volumes"));
        Assert.Contains("4317", DeployFiles.Text("deploy/tempo.yaml"), StringComparison.Ordinal);
    }

    [Fact]
    public void Emulator_override_replaces_loa_finn_with_the_emulator_image()
    {
        var finn = Services("deploy/docker-compose.emulator.yml").Map("loa-finn");
        Assert.Equal("deploy/Dockerfile.finn-emulator", finn.Map("build").Str("dockerfile"));
        Assert.True(File.Exists(DeployFiles.PathOf("deploy/Dockerfile.finn-emulator")));
        Assert.Equal(["CMD", "/app/finn-emulator", "healthcheck"], finn.Map("healthcheck").List("test"));
    }

    [Fact]
    public void Runbook_states_the_true_number_of_variables()
    {
        var runbook = DeployFiles.Text("docs/runbook.md");
        var counts = Regex.Matches(runbook, @"All (\d+) variables").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(counts);
        Assert.All(counts, n => Assert.Equal(ConfigVariables.All.Count, n));
    }
}
