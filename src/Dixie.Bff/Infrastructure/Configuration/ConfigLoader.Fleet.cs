namespace Dixie.Bff.Infrastructure.Configuration;

// Spec 01 §3.7: fleet.
public static partial class ConfigLoader
{
    internal const string DefaultFleetWorkDir = "/data/fleet";

    private static FleetSettings ReadFleet(EnvReader reader, string? searchPath)
    {
        var enabled = reader.Bool("DIXIE_FLEET_ENABLED", true);
        var command = FleetCommand.ParseCommand(reader);
        var envNames = FleetCommand.ParseEnvNames(reader);
        var workDir = ReadFleetWorkDir(reader, checkWritable: enabled && command.Count > 0);
        if (enabled && command.Count > 0 && FsProbe.FindExecutable(command[0], searchPath) is null)
        {
            reader.Warn(FleetCommand.CommandVariable, $"program {EnvReader.Quote(command[0])} is not found or not executable; spawns will fail with spawn_failed");
        }
        return new FleetSettings
        {
            Enabled = enabled,
            AgentCommand = command,
            AgentEnv = envNames,
            WorkDir = workDir,
            TaskTimeoutMinutes = reader.Int("DIXIE_FLEET_TASK_TIMEOUT_MINUTES", 1, 1440, 120),
            MonitorIntervalSeconds = reader.Int("DIXIE_FLEET_MONITOR_INTERVAL_SECONDS", 1, 3600, 30),
            StopGraceSeconds = reader.Int("DIXIE_FLEET_STOP_GRACE_SECONDS", 1, 60, 10),
        };
    }

    /// <summary>(fs) Only a fleet that can spawn needs its work directory, so only then is it created and probed.</summary>
    private static string ReadFleetWorkDir(EnvReader reader, bool checkWritable)
    {
        const string variable = "DIXIE_FLEET_WORK_DIR";
        var raw = reader.Scalar(variable) ?? DefaultFleetWorkDir;
        string path;
        try
        {
            path = Path.GetFullPath(raw);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            reader.Problem(variable, $"is not a valid directory path (got {EnvReader.Quote(raw)})");
            return raw;
        }
        if (checkWritable && !FsProbe.EnsureWritableDirectory(path))
        {
            reader.Problem(variable, $"cannot create or write {path}; the fleet keeps task work directories and logs there (or set DIXIE_FLEET_ENABLED=false)");
        }
        return path;
    }
}
