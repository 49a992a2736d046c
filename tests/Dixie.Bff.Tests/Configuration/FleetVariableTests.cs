namespace Dixie.Bff.Tests.Configuration;

public sealed class FleetVariableTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dixie-fleet-config-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Agent()
    {
        var path = Path.Combine(_root, "agent");
        File.WriteAllText(path, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    /// <summary>A directory that cannot be created even by root: its parent is a regular file.</summary>
    private string UnwritableDir()
    {
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "");
        return Path.Combine(file, "fleet");
    }

    [Fact]
    public void Work_dir_is_created_when_the_fleet_can_spawn()
    {
        var workDir = Path.Combine(_root, "work", "fleet");
        var config = TestEnvironment.Valid().With("DIXIE_FLEET_AGENT_COMMAND", Agent()).With("DIXIE_FLEET_WORK_DIR", workDir).LoadValid();
        Assert.True(Directory.Exists(workDir));
        Assert.Equal(workDir, config.Fleet.WorkDir);
        Assert.Empty(Directory.GetFiles(workDir));
    }

    [Fact]
    public void Unwritable_work_dir_is_a_problem_when_enabled_with_an_agent_command()
    {
        var reason = TestEnvironment.Valid().With("DIXIE_FLEET_AGENT_COMMAND", Agent()).With("DIXIE_FLEET_WORK_DIR", UnwritableDir())
            .LoadSingleProblem("DIXIE_FLEET_WORK_DIR");
        Assert.StartsWith("cannot create or write", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unwritable_work_dir_is_not_checked_without_agent_command_or_when_disabled()
    {
        Assert.True(TestEnvironment.Valid().With("DIXIE_FLEET_WORK_DIR", UnwritableDir()).Load().IsValid);
        Assert.True(TestEnvironment.Valid().With("DIXIE_FLEET_WORK_DIR", UnwritableDir())
            .With("DIXIE_FLEET_AGENT_COMMAND", Agent()).With("DIXIE_FLEET_ENABLED", "false").Load().IsValid);
    }

    [Fact]
    public void Missing_agent_program_is_a_warning()
    {
        var result = TestEnvironment.Valid().With("DIXIE_FLEET_WORK_DIR", Path.Combine(_root, "w"))
            .With("DIXIE_FLEET_AGENT_COMMAND", Path.Combine(_root, "no-such-agent") + " --task {taskId}").Load();
        Assert.True(result.IsValid);
        Assert.Equal("DIXIE_FLEET_AGENT_COMMAND", Assert.Single(result.Warnings).Variable);
    }

    [Fact]
    public void Agent_program_is_looked_up_on_the_path()
    {
        var agent = Agent();
        var result = TestEnvironment.Valid().With("DIXIE_FLEET_WORK_DIR", Path.Combine(_root, "w"))
            .With("PATH", _root).With("DIXIE_FLEET_AGENT_COMMAND", Path.GetFileName(agent)).Load();
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Plain_command_is_split_on_whitespace_and_json_array_is_parsed()
    {
        var agent = Agent();
        var plain = TestEnvironment.Valid().With("DIXIE_FLEET_WORK_DIR", Path.Combine(_root, "w"))
            .With("DIXIE_FLEET_AGENT_COMMAND", $"{agent}  --task {{taskId}}\t--model={{model}}").LoadValid();
        Assert.Equal([agent, "--task", "{taskId}", "--model={model}"], plain.Fleet.AgentCommand);
        var json = TestEnvironment.Valid().With("DIXIE_FLEET_WORK_DIR", Path.Combine(_root, "w"))
            .With("DIXIE_FLEET_AGENT_COMMAND", $"[\"{agent}\", \"--description\", \"two words\"]").LoadValid();
        Assert.Equal([agent, "--description", "two words"], json.Fleet.AgentCommand);
    }

    [Theory]
    [InlineData("[\"/bin/agent\",")]
    [InlineData("[1, 2]")]
    [InlineData("[]")]
    public void Unparsable_json_command_is_a_problem(string command)
    {
        TestEnvironment.Valid().With("DIXIE_FLEET_AGENT_COMMAND", command).LoadSingleProblem("DIXIE_FLEET_AGENT_COMMAND");
    }

    [Theory]
    [InlineData("DATABASE_URL")]
    [InlineData("DIXIE_ADMIN_KEY")]
    [InlineData("DIXIE_ANYTHING")]
    [InlineData("POSTGRES_PASSWORD")]
    [InlineData("FINN_AUTH_TOKEN")]
    [InlineData("1BAD")]
    public void Agent_env_naming_a_service_secret_or_an_invalid_name_is_a_problem(string name)
    {
        var reason = TestEnvironment.Valid().With("DIXIE_FLEET_AGENT_ENV", $"GIT_TOKEN,{name}").LoadSingleProblem("DIXIE_FLEET_AGENT_ENV");
        Assert.StartsWith("item 2 ", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_env_names_are_kept()
    {
        Assert.Equal(["GIT_TOKEN", "ANTHROPIC_API_KEY"],
            TestEnvironment.Valid().With("DIXIE_FLEET_AGENT_ENV", "GIT_TOKEN, ANTHROPIC_API_KEY,GIT_TOKEN").LoadValid().Fleet.AgentEnv);
    }
}
