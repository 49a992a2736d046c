using System.Net;
using System.Security.Cryptography;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Deploy;

/// <summary>deploy/k8s/ against the service: probe paths, port, variable names and values (spec 12 §5).</summary>
public sealed class KubernetesManifestTests
{
    private const string AppLabel = "dixie-bff";

    /// <summary>Variables whose values carry credentials: they belong in the Secret, never the ConfigMap.</summary>
    private static readonly string[] SecretHolders = [.. ConfigVariables.Secrets, "DATABASE_URL", "REDIS_URL", "NATS_URL", "OTEL_EXPORTER_OTLP_ENDPOINT"];

    private static Dictionary<string, Dictionary<string, object?>> Manifests() =>
        Directory.GetFiles(DeployFiles.PathOf("deploy/k8s"), "*.yaml")
            .SelectMany(file => DeployFiles.YamlDocuments(Path.GetRelativePath(DeployFiles.Root, file)))
            .ToDictionary(m => m.Str("kind"), StringComparer.Ordinal);

    private static Dictionary<string, object?> Container() =>
        (Dictionary<string, object?>)Assert.Single(Manifests()["Deployment"].Map("spec").Map("template").Map("spec").List("containers"))!;

    private static Dictionary<string, object?> PodSpec() => Manifests()["Deployment"].Map("spec").Map("template").Map("spec");

    [Fact]
    public void Every_manifest_parses_and_names_its_kind()
    {
        var kinds = Manifests();
        Assert.Equal(["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PersistentVolumeClaim", "PodDisruptionBudget", "Service"],
            kinds.Keys.Order(StringComparer.Ordinal));
        Assert.All(kinds.Values, m => Assert.False(string.IsNullOrEmpty(m.Map("metadata").Str("name"))));
    }

    [Fact]
    public void Deployment_runs_three_non_root_replicas_with_the_service_port_and_probes()
    {
        var deployment = Manifests()["Deployment"].Map("spec");
        Assert.Equal("3", deployment["replicas"]);
        var container = Container();
        var port = (Dictionary<string, object?>)Assert.Single(container.List("ports"))!;
        Assert.Equal(ConfigLoader.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture), port["containerPort"]);
        Assert.Equal("http", port["name"]);
        Assert.Equal("/healthz/ready", container.Map("readinessProbe").Map("httpGet").Str("path"));
        Assert.Equal("/healthz/live", container.Map("livenessProbe").Map("httpGet").Str("path"));
        Assert.All(new[] { "readinessProbe", "livenessProbe" }, probe => Assert.Equal("http", container.Map(probe).Map("httpGet").Str("port")));
        // The readiness check may spend 2 s on PostgreSQL (spec 03 §5).
        Assert.True(int.Parse(container.Map("readinessProbe").Str("timeoutSeconds"), System.Globalization.CultureInfo.InvariantCulture) >= 3);
        Assert.True(container.Map("resources").ContainsKey("requests"));
        Assert.True(container.Map("resources").ContainsKey("limits"));

        var pod = PodSpec();
        Assert.Equal("true", pod.Map("securityContext")["runAsNonRoot"]);
        // The `app` user of the .NET base image that deploy/Dockerfile switches to.
        Assert.Equal("1654", pod.Map("securityContext")["runAsUser"]);
        Assert.Equal("false", container.Map("securityContext")["allowPrivilegeEscalation"]);
        // Service links would put DIXIE_BFF_* variables into the environment (unknown-variable warnings).
        Assert.Equal("false", pod["enableServiceLinks"]);
    }

    [Fact]
    public void Every_variable_name_is_one_the_service_reads_and_secrets_come_from_the_secret()
    {
        var config = Manifests()["ConfigMap"].Map("data");
        Assert.Empty(config.Keys.Except(ConfigVariables.All));
        Assert.Empty(config.Keys.Intersect(SecretHolders));

        var container = Container();
        Assert.Equal("dixie-bff-config", ((Dictionary<string, object?>)Assert.Single(container.List("envFrom"))!).Map("configMapRef").Str("name"));
        foreach (Dictionary<string, object?> entry in container.List("env").Cast<Dictionary<string, object?>>())
        {
            var name = entry.Str("name");
            Assert.Contains(name, ConfigVariables.All);
            var reference = entry.Map("valueFrom").Map("secretKeyRef");
            Assert.Equal("dixie-bff-secrets", reference.Str("name"));
            Assert.Equal(name, reference.Str("key"));
        }
        var fromSecret = container.List("env").Cast<Dictionary<string, object?>>().Select(e => e.Str("name")).ToList();
        Assert.Empty(SecretHolders.Except(fromSecret));
        Assert.Empty(config.Keys.Intersect(fromSecret));
    }

    [Fact]
    public void ConfigMap_with_the_secret_filled_in_is_a_valid_production_configuration()
    {
        var environment = Manifests()["ConfigMap"].Map("data").ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);
        environment["DIXIE_JWT_PRIVATE_KEY"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        environment["DIXIE_ADMIN_KEY"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        environment["DATABASE_URL"] = "postgresql://dixie:pw@db.internal:5432/dixie?sslmode=require";
        environment["REDIS_URL"] = "rediss://:token@cache.internal:6379/0";
        environment["NATS_URL"] = "tls://u:p@nats-1:4222,tls://u:p@nats-2:4222,tls://u:p@nats-3:4222";

        var result = ConfigLoader.Load(environment, ConfigScope.Service);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(DixieEnvironment.Production, result.Config!.Environment);
        Assert.Equal(ConfigLoader.DefaultPort, result.Config.Http.Port);
    }

    [Fact]
    public void Service_hpa_and_pdb_select_the_deployment()
    {
        var manifests = Manifests();
        var podLabels = manifests["Deployment"].Map("spec").Map("template").Map("metadata").Map("labels");
        Assert.Equal(AppLabel, podLabels["app.kubernetes.io/name"]);
        Assert.Equal(podLabels["app.kubernetes.io/name"], manifests["Deployment"].Map("spec").Map("selector").Map("matchLabels")["app.kubernetes.io/name"]);

        var service = manifests["Service"].Map("spec");
        Assert.Equal(AppLabel, service.Map("selector")["app.kubernetes.io/name"]);
        Assert.Equal("http", ((Dictionary<string, object?>)Assert.Single(service.List("ports"))!)["targetPort"]);

        var hpa = manifests["HorizontalPodAutoscaler"].Map("spec");
        Assert.Equal("Deployment", hpa.Map("scaleTargetRef").Str("kind"));
        Assert.Equal(manifests["Deployment"].Map("metadata").Str("name"), hpa.Map("scaleTargetRef").Str("name"));
        Assert.Equal("3", hpa["minReplicas"]);
        var cpu = ((Dictionary<string, object?>)Assert.Single(hpa.List("metrics"))!).Map("resource");
        Assert.Equal("cpu", cpu.Str("name"));
        Assert.Equal("70", cpu.Map("target")["averageUtilization"]);

        var pdb = manifests["PodDisruptionBudget"].Map("spec");
        Assert.Equal("2", pdb["minAvailable"]);
        Assert.Equal(AppLabel, pdb.Map("selector").Map("matchLabels")["app.kubernetes.io/name"]);

        var volume = PodSpec().List("volumes").Cast<Dictionary<string, object?>>().Single(v => v.Str("name") == "data");
        Assert.Equal(manifests["PersistentVolumeClaim"].Map("metadata").Str("name"), volume.Map("persistentVolumeClaim").Str("claimName"));
        Assert.Equal(["ReadWriteMany"], manifests["PersistentVolumeClaim"].Map("spec").List("accessModes"));
    }

    [Fact]
    public async Task Probe_paths_answer_200_on_a_running_service()
    {
        await using var host = await DixieHost.StartAsync();
        var container = Container();
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            using var response = await host.Client.GetAsync(container.Map(probe).Map("httpGet").Str("path"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
