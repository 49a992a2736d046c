using System.Text.RegularExpressions;

namespace Dixie.Bff.Data;

/// <summary>
/// The migrations this build carries: every embedded `.sql` file not ending in `_down.sql` is an up
/// file, sorted by its number (spec 09 §3.1). Rollback files are only looked up, never run here.
/// </summary>
public sealed partial class MigrationCatalog
{
    public const string ResourcePrefix = "Dixie.Bff.Data.Migrations.";

    private readonly Dictionary<string, MigrationFile> _downFiles;

    private MigrationCatalog(IReadOnlyList<MigrationFile> upFiles, Dictionary<string, MigrationFile> downFiles)
    {
        UpFiles = upFiles;
        _downFiles = downFiles;
    }

    /// <summary>Up files in numeric order.</summary>
    public IReadOnlyList<MigrationFile> UpFiles { get; }

    public IEnumerable<MigrationFile> DownFiles => _downFiles.Values;

    /// <summary>The rollback file of an up file, or null when the build has none.</summary>
    public MigrationFile? FindDown(string upFileName) =>
        _downFiles.GetValueOrDefault(upFileName[..^".sql".Length] + "_down.sql");

    public MigrationFile? FindUp(string fileName) =>
        UpFiles.FirstOrDefault(f => string.Equals(f.FileName, fileName, StringComparison.Ordinal));

    /// <summary>
    /// The embedded files plus <paramref name="extraFiles"/> (tests add failing files this way).
    /// Throws <see cref="MigrationCatalogException"/> for a malformed name or a duplicate number.
    /// </summary>
    public static MigrationCatalog Load(IEnumerable<MigrationFile>? extraFiles = null)
    {
        var all = ReadEmbedded().Concat(extraFiles ?? []).ToList();
        var upFiles = new List<MigrationFile>();
        var downFiles = new Dictionary<string, MigrationFile>(StringComparer.Ordinal);
        foreach (var file in all)
        {
            if (file.IsDown)
            {
                downFiles[file.FileName] = file;
                continue;
            }
            if (!UpFileName().IsMatch(file.FileName))
            {
                throw new MigrationCatalogException(file.FileName, $"the name does not match {UpFileName()}");
            }
            upFiles.Add(file);
        }
        foreach (var group in upFiles.GroupBy(f => f.Number).Where(g => g.Count() > 1))
        {
            throw new MigrationCatalogException(group.First().FileName,
                $"number {group.Key:D3} is used by {string.Join(" and ", group.Select(f => f.FileName))}");
        }
        upFiles.Sort((a, b) => a.Number.CompareTo(b.Number));
        return new MigrationCatalog(upFiles, downFiles);
    }

    /// <summary>Every embedded `.sql` resource, up and down files alike, unvalidated.</summary>
    public static IReadOnlyList<MigrationFile> ReadEmbedded()
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var files = new List<MigrationFile>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            files.Add(new MigrationFile(name[ResourcePrefix.Length..], bytes.ToArray()));
        }
        return files;
    }

    [GeneratedRegex(@"^\d{3}_[a-z0-9_]+\.sql\z")]
    public static partial Regex UpFileName();
}

/// <summary>The embedded migrations are inconsistent; the build cannot migrate.</summary>
public sealed class MigrationCatalogException(string fileName, string reason)
    : Exception($"Migration file {fileName} is not usable: {reason}.")
{
    public string FileName { get; } = fileName;

    public string Reason { get; } = reason;
}
