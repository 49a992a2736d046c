using System.Text.RegularExpressions;
using System.Xml.Linq;
using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Tests.Deploy;

/// <summary>
/// The images cannot be built here (no Docker engine), so their Dockerfiles are read: every copied
/// path exists, the entrypoint is the binary the project publishes, the healthcheck is that binary's
/// own subcommand, the user is not root (spec 12 §1).
/// </summary>
public sealed partial class DockerfileTests
{
    [Theory]
    [InlineData("deploy/Dockerfile", "src/Dixie.Bff/Dixie.Bff.csproj", ConfigLoader.DefaultPort)]
    [InlineData("deploy/Dockerfile.finn-emulator", "src/Dixie.FinnEmulator/Dixie.FinnEmulator.csproj", 3000)]
    public void Dockerfile_publishes_the_project_and_runs_its_binary_as_a_non_root_user(string dockerfile, string project, int port)
    {
        var lines = Instructions(dockerfile);
        var binary = XDocument.Load(DeployFiles.PathOf(project)).Descendants("AssemblyName").Single().Value;

        Assert.Contains(lines, l => l.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish " + project, StringComparison.Ordinal) && l.Contains("-o /app", StringComparison.Ordinal));
        Assert.Contains($"ENTRYPOINT [\"/app/{binary}\"]", lines);
        Assert.Contains(lines, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal) && l.EndsWith($"CMD [\"/app/{binary}\", \"healthcheck\"]", StringComparison.Ordinal));
        Assert.Contains($"EXPOSE {port}", lines);
        Assert.Contains("USER $APP_UID", lines);
        Assert.DoesNotMatch(@"\b(curl|wget)\b", string.Join('\n', lines));
        Assert.Contains(lines, l => l.StartsWith("ENV PATH=\"/app:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("deploy/Dockerfile")]
    [InlineData("deploy/Dockerfile.finn-emulator")]
    public void Every_copied_path_exists_in_the_build_context(string dockerfile)
    {
        var sources = Instructions(dockerfile)
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.StartsWith("COPY --from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(
            File.Exists(DeployFiles.PathOf(source)) || Directory.Exists(DeployFiles.PathOf(source)), $"{dockerfile}: COPY {source} does not exist"));
    }

    [Fact]
    public void Service_image_bakes_production_and_keeps_its_data_in_a_writable_volume_directory()
    {
        var text = string.Join('\n', Instructions("deploy/Dockerfile"));
        Assert.Contains("DIXIE_ENV=production", text, StringComparison.Ordinal);
        Assert.Contains("DIXIE_ALLOWLIST_PATH=/data/allowlist.json", text, StringComparison.Ordinal);
        Assert.Contains("chown -R \"$APP_UID:$APP_UID\" /data", text, StringComparison.Ordinal);
        // The emulator binds loopback by default; in a container that would be unreachable.
        Assert.Contains("EMULATOR_BIND=0.0.0.0", string.Join('\n', Instructions("deploy/Dockerfile.finn-emulator")), StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerignore_keeps_build_output_local_state_and_env_files_out()
    {
        var patterns = File.ReadAllLines(DeployFiles.PathOf(".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var pattern in new[] { "**/bin/", "**/obj/", ".dev/", ".git/", ".env", ".env.*", "deploy/.env.*" })
            Assert.Contains(pattern, patterns);
    }

    /// <summary>The Dockerfile's instructions, continuation lines joined, comments dropped.</summary>
    private static List<string> Instructions(string dockerfile)
    {
        var joined = Continuation().Replace(DeployFiles.Text(dockerfile), " ");
        return joined.Split('\n').Select(l => Spaces().Replace(l.Trim(), " ")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    [GeneratedRegex(@"\\\n")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
