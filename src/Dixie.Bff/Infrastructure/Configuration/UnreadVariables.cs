namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>Warnings for set variables the service does not read (spec 01 §6, §7).</summary>
internal static class UnreadVariables
{
    public const string DroppedReason = "ignored: not supported by this implementation";
    public const string UnknownReason = "unknown variable (typo?)";

    public static void Check(IReadOnlyDictionary<string, string?> environment, EnvReader reader)
    {
        var known = new HashSet<string>(ConfigVariables.All, StringComparer.Ordinal);
        foreach (var name in environment.Keys.Order(StringComparer.Ordinal))
        {
            if (known.Contains(name) || !reader.IsSet(name))
            {
                continue;
            }
            if (ConfigVariables.Dropped.Contains(name) || HasPrefix(name, ConfigVariables.DroppedPrefixes))
            {
                reader.Warn(name, DroppedReason);
            }
            else if (name.StartsWith("DIXIE_", StringComparison.Ordinal) && !HasPrefix(name, ConfigVariables.ForeignPrefixes))
            {
                reader.Warn(name, UnknownReason);
            }
        }
    }

    private static bool HasPrefix(string name, IReadOnlyList<string> prefixes) =>
        prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
}
