namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>
/// The typed reading rules of spec 01 §1. Every failed read records one problem and returns the
/// default, so the loader keeps going and reports all problems at once.
/// </summary>
internal sealed class EnvReader(IReadOnlyDictionary<string, string?> environment)
{
    private readonly List<ConfigProblem> _problems = [];
    private readonly List<ConfigWarning> _warnings = [];

    public IReadOnlyList<ConfigProblem> Problems => _problems;
    public IReadOnlyList<ConfigWarning> Warnings => _warnings;

    public void Problem(string variable, string reason) => _problems.Add(new ConfigProblem(variable, reason));

    public void Warn(string variable, string reason) => _warnings.Add(new ConfigWarning(variable, reason));

    /// <summary>Compose turns a missing `${VAR}` into "", so empty and whitespace-only mean unset.</summary>
    public bool IsSet(string name) => !string.IsNullOrWhiteSpace(environment.GetValueOrDefault(name));

    /// <summary>A scalar, trimmed; null when unset.</summary>
    public string? Scalar(string name) => IsSet(name) ? environment[name]!.Trim() : null;

    /// <summary>A secret, verbatim (never trimmed); null when unset.</summary>
    public string? Secret(string name) => IsSet(name) ? environment[name] : null;

    public int Int(string name, int min, int max, int fallback) =>
        (int)Long(name, min, max, fallback);

    public long Long(string name, long min, long max, long fallback)
    {
        var raw = Scalar(name);
        if (raw is null)
        {
            return fallback;
        }
        if (TryParseInteger(raw, min, max, out var value))
        {
            return value;
        }
        Problem(name, $"must be an integer from {min} to {max} (got {Quote(raw)})");
        return fallback;
    }

    /// <summary>Base-10 digits only: no sign, fraction, exponent, prefix or suffix.</summary>
    public static bool TryParseInteger(string raw, long min, long max, out long value)
    {
        value = 0;
        return raw.Length > 0
            && raw.All(char.IsAsciiDigit)
            && long.TryParse(raw, System.Globalization.NumberStyles.None, null, out value)
            && value >= min && value <= max;
    }

    public bool Bool(string name, bool fallback)
    {
        var raw = Scalar(name);
        switch (raw?.ToLowerInvariant())
        {
            case null:
                return fallback;
            case "true" or "1":
                return true;
            case "false" or "0":
                return false;
            default:
                Problem(name, $"must be true, false, 1 or 0 (got {Quote(raw)})");
                return fallback;
        }
    }

    /// <summary>One of <paramref name="words"/> (a case-insensitive dictionary); null when unset or invalid.</summary>
    public T? Enum<T>(string name, IReadOnlyDictionary<string, T> words) where T : struct
    {
        var raw = Scalar(name);
        if (raw is null)
        {
            return null;
        }
        if (words.TryGetValue(raw, out var value))
        {
            return value;
        }
        Problem(name, $"must be one of {string.Join(", ", words.Keys)} (got {Quote(raw)})");
        return null;
    }

    /// <summary>Items trimmed, empty items dropped; position is 1-based among the non-empty items.</summary>
    public IReadOnlyList<(int Position, string Item)> Csv(string name)
    {
        var raw = Scalar(name);
        if (raw is null)
        {
            return [];
        }
        var items = new List<(int, string)>();
        var position = 0;
        foreach (var part in raw.Split(','))
        {
            var item = part.Trim();
            if (item.Length > 0)
            {
                items.Add((++position, item));
            }
        }
        return items;
    }

    /// <summary>Quotes a non-secret value for a problem line.</summary>
    public static string Quote(string value) => $"\"{value}\"";

    public static bool ContainsUnexpandedReference(string value) => value.Contains("${", StringComparison.Ordinal);

    public const string UnexpandedReference = "contains an unexpanded variable reference (\"${\"); the environment file was not interpolated";
}
