using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Tests.Configuration;

/// <summary>A valid minimal environment; each test changes one thing.</summary>
internal sealed class TestEnvironment
{
    public const string HmacKey = "0123456789abcdef0123456789abcdef";
    public const string DatabaseUrl = "postgresql://dixie:dixie@127.0.0.1:5432/dixie";

    private readonly Dictionary<string, string?> _values;

    private TestEnvironment(Dictionary<string, string?> values) => _values = values;

    public static TestEnvironment Valid() => new(new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["DIXIE_ENV"] = "test",
        ["FINN_URL"] = "http://127.0.0.1:3000",
        ["DIXIE_JWT_PRIVATE_KEY"] = HmacKey,
        ["DATABASE_URL"] = DatabaseUrl,
        // The default /data/allowlist.json would only add a warning; a writable directory keeps tests quiet.
        ["DIXIE_ALLOWLIST_PATH"] = Path.Combine(Path.GetTempPath(), "dixie-config-tests-allowlist.json"),
    });

    public static TestEnvironment From(IReadOnlyDictionary<string, string?> values) =>
        new(new Dictionary<string, string?>(values, StringComparer.Ordinal));

    public TestEnvironment With(string name, string? value)
    {
        var copy = new Dictionary<string, string?>(_values, StringComparer.Ordinal) { [name] = value };
        return new TestEnvironment(copy);
    }

    public TestEnvironment Without(string name)
    {
        var copy = new Dictionary<string, string?>(_values, StringComparer.Ordinal);
        copy.Remove(name);
        return new TestEnvironment(copy);
    }

    public IReadOnlyDictionary<string, string?> Values => _values;

    public ConfigResult Load(ConfigScope scope = ConfigScope.Service) => ConfigLoader.Load(_values, scope);

    /// <summary>Loads and asserts there is no problem; returns the config.</summary>
    public DixieConfig LoadValid()
    {
        var result = Load();
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        return result.Config!;
    }

    /// <summary>Loads and asserts exactly one problem, for <paramref name="variable"/>; returns its reason.</summary>
    public string LoadSingleProblem(string variable)
    {
        var result = Load();
        var problem = Assert.Single(result.Problems);
        Assert.Equal(variable, problem.Variable);
        Assert.Null(result.Config);
        return problem.Reason;
    }

    /// <summary>`NAME=value` lines; blank lines and `#` comments skipped (the env_file format of spec 01 §9).</summary>
    public static Dictionary<string, string?> ParseEnvFile(string text)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Select(line => line.TrimEnd('\r')))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            var equals = line.IndexOf('=');
            values[line[..equals]] = line[(equals + 1)..];
        }
        return values;
    }
}
