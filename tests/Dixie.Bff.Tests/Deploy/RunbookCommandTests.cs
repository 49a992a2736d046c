using System.Text.RegularExpressions;

namespace Dixie.Bff.Tests.Deploy;

/// <summary>
/// The Compose and binary commands of docs/runbook.md against the compose file and the binary's
/// subcommands (spec 12: every command the runbook gives must work as written).
/// </summary>
public sealed partial class RunbookCommandTests
{
    private static readonly HashSet<string> ComposeCommands = ["up", "exec", "logs", "ps", "restart", "down", "run", "build"];

    /// <summary>The subcommands of Program.cs (its usage line).</summary>
    [GeneratedRegex(@"\A(migrate( status( --json)?| down \S+( --force)?( --yes)?)?|healthcheck( \S+)?|config check)\z")]
    private static partial Regex Subcommand();

    [GeneratedRegex(@"\\\n\s*")]
    private static partial Regex Continuation();

    private static IEnumerable<string> ComposeLines(string document) =>
        Continuation().Replace(DeployFiles.Text(document), " ").Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("docker compose -f ", StringComparison.Ordinal) || l.StartsWith("DIXIE_SMOKE_RESTART_CMD=\"docker compose", StringComparison.Ordinal))
            .Where(l => !l.Contains("\"$@\"", StringComparison.Ordinal));

    [Fact]
    public void Every_compose_command_names_the_env_file_a_real_service_and_a_real_subcommand()
    {
        var services = DeployFiles.Yaml("deploy/docker-compose.staging.yml").Map("services").Keys.ToHashSet();
        var lines = ComposeLines("docs/runbook.md").ToList();
        Assert.True(lines.Count >= 20, $"only {lines.Count} compose commands found");
        foreach (var line in lines)
        {
            var command = line[line.IndexOf("docker compose", StringComparison.Ordinal)..].TrimEnd('"');
            Assert.Contains("--env-file deploy/.env.staging", command, StringComparison.Ordinal);
            var tokens = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
            var i = 0;
            while (tokens[i] is "-f" or "--env-file" or "--profile")
            {
                if (tokens[i] == "-f") Assert.True(File.Exists(DeployFiles.PathOf(tokens[i + 1])), $"{line}: no file {tokens[i + 1]}");
                if (tokens[i] == "--profile") Assert.Equal("observability", tokens[i + 1]);
                i += 2;
            }
            var verb = tokens[i++];
            Assert.True(ComposeCommands.Contains(verb), $"{line}: unexpected compose command {verb}");
            while (i < tokens.Count && tokens[i].StartsWith('-')) i++;
            if (verb is "up" or "down" or "ps" || i >= tokens.Count) continue;
            var service = tokens[i++];
            Assert.True(services.Contains(service), $"{line}: no service {service}");
            var rest = tokens.Skip(i).ToList();
            if (service != "dixie-bff" || rest.Count == 0 || verb is "logs" or "restart" or "build") continue;
            // `exec dixie-bff dixie-bff <subcommand>`; `run dixie-bff <subcommand>` goes through the entrypoint.
            if (verb == "exec")
            {
                if (rest[0] == "printenv") continue;
                Assert.Equal("dixie-bff", rest[0]);
                rest = rest.Skip(1).ToList();
            }
            Assert.Matches(Subcommand(), string.Join(' ', rest));
        }
    }

    [Theory]
    [InlineData("docs/runbook.md")]
    [InlineData("deploy/k8s/README.md")]
    [InlineData("README.md")]
    public void Every_binary_subcommand_in_the_docs_exists(string document)
    {
        var text = DeployFiles.Text(document);
        var uses = SubcommandUse().Matches(text).Select(m => m.Groups["args"].Value.Trim()).ToList();
        Assert.NotEmpty(uses);
        Assert.All(uses, args => Assert.Matches(Subcommand(), args));
    }

    /// <summary>`dixie-bff migrate …`, `dixie-bff healthcheck …`, `dixie-bff config …` up to the end of the command.</summary>
    [GeneratedRegex(@"dixie-bff (?<args>(migrate|healthcheck|config)\b[^`\n|#;)]*)")]
    private static partial Regex SubcommandUse();
}
