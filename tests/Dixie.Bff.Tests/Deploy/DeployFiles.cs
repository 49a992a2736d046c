using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Dixie.Bff.Tests.Deploy;

/// <summary>Reads the repository's deployment files as plain data: mappings, lists and strings.</summary>
internal static partial class DeployFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Text(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Every YAML document of the file, scalars as strings.</summary>
    public static IReadOnlyList<Dictionary<string, object?>> YamlDocuments(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(Text(relative));
        stream.Load(reader);
        return stream.Documents.Select(document => (Dictionary<string, object?>)Plain(document.RootNode)!).ToList();
    }

    public static Dictionary<string, object?> Yaml(string relative) => Assert.Single(YamlDocuments(relative));

    public static Dictionary<string, object?> Map(this Dictionary<string, object?> node, string key) =>
        Assert.IsType<Dictionary<string, object?>>(node[key]);

    public static List<object?> List(this Dictionary<string, object?> node, string key) => Assert.IsType<List<object?>>(node[key]);

    public static string Str(this Dictionary<string, object?> node, string key) => Assert.IsType<string>(node[key]);

    /// <summary>Compose interpolation: `${NAME}`, `${NAME:-default}`, `${NAME:?error}` and `$$`.</summary>
    public static string Interpolate(string text, IReadOnlyDictionary<string, string?> variables) =>
        Reference().Replace(text, match =>
        {
            if (match.Value == "$$") return "$";
            var name = match.Groups["name"].Value;
            var value = variables.GetValueOrDefault(name);
            var unset = string.IsNullOrEmpty(value);
            return match.Groups["op"].Value switch
            {
                ":-" => unset ? match.Groups["arg"].Value : value!,
                ":?" when unset => throw new InvalidOperationException($"{name}: {match.Groups["arg"].Value}"),
                _ => value ?? "",
            };
        });

    private static object? Plain(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(
            pair => ((YamlScalarNode)pair.Key).Value!, pair => Plain(pair.Value), StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(Plain).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Dixie.slnx"))) return directory.FullName;
        }
        throw new InvalidOperationException("Dixie.slnx not found above the test directory");
    }

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:-|:\?)(?<arg>[^}]*))?\}")]
    private static partial Regex Reference();
}
