using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dixie.Bff.Data;

/// <summary>One row of `migrate status`.</summary>
internal sealed record MigrationStatusRow(
    [property: JsonPropertyName("filename")] string FileName,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("applied_at")] DateTimeOffset? AppliedAt,
    [property: JsonPropertyName("recorded_checksum")] string? RecordedChecksum,
    [property: JsonPropertyName("file_checksum")] string? FileChecksum,
    [property: JsonPropertyName("typescript_original")] bool TypescriptOriginal);

/// <summary>
/// `migrate status [--json]`: read-only and without the lock, so it works while another instance
/// migrates. States: applied, pending, checksum-mismatch, not-in-build (spec 09 §4).
/// </summary>
internal static class MigrateStatus
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<int> RunAsync(MigrateContext context, bool json, CancellationToken ct)
    {
        var catalog = DatabaseStartup.LoadCatalog(context.Options, context.Logger);
        IReadOnlyList<AppliedMigration> recorded;
        await using (var connection = await DatabaseStartup.OpenMigrationConnectionAsync(context.ConnectionString, context.Options, context.Logger, ct))
        {
            recorded = await MigrationHistory.ReadAsync(connection, ct);
        }
        var rows = Rows(catalog, recorded);
        await context.Stdout.WriteLineAsync(json ? JsonSerializer.Serialize(rows, Json) : Table(rows));
        return MigrateCommand.Ok;
    }

    public static IReadOnlyList<MigrationStatusRow> Rows(MigrationCatalog catalog, IReadOnlyList<AppliedMigration> recorded)
    {
        var byName = recorded.ToDictionary(r => r.FileName, StringComparer.Ordinal);
        var rows = new List<MigrationStatusRow>();
        foreach (var file in catalog.UpFiles)
        {
            if (!byName.TryGetValue(file.FileName, out var row))
            {
                rows.Add(new(file.FileName, "pending", null, null, file.Checksum, false));
                continue;
            }
            var state = string.Equals(row.Checksum, file.Checksum, StringComparison.Ordinal) ? "applied" : "checksum-mismatch";
            rows.Add(new(file.FileName, state, row.AppliedAt, row.Checksum, file.Checksum, TypeScriptOriginals.IsOriginal(file.FileName, row.Checksum)));
        }
        foreach (var row in recorded.Where(r => catalog.FindUp(r.FileName) is null))
        {
            rows.Add(new(row.FileName, "not-in-build", row.AppliedAt, row.Checksum, null, TypeScriptOriginals.IsOriginal(row.FileName, row.Checksum)));
        }
        rows.Sort((a, b) => MigrationNumbers.Compare(a.FileName, b.FileName));
        return rows;
    }

    private static string Table(IReadOnlyList<MigrationStatusRow> rows)
    {
        string[] header = ["FILE", "STATE", "APPLIED AT", "CHECKSUM", "NOTE"];
        var cells = rows.Select(r => new[]
        {
            r.FileName,
            r.State,
            r.AppliedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            Short(r.RecordedChecksum ?? r.FileChecksum ?? ""),
            Note(r),
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => cells.Max(c => c[i].Length)).ToArray();
        return string.Join('\n', cells.Select(c => string.Join("  ", c.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()));
    }

    /// <summary>The first 12 hex digits, enough to tell checksums apart at a glance.</summary>
    public static string Short(string checksum) => checksum.Length > 12 ? checksum[..12] : checksum;

    private static string Note(MigrationStatusRow row) => row.State switch
    {
        "checksum-mismatch" when row.TypescriptOriginal => "TypeScript original",
        "checksum-mismatch" => $"file is {Short(row.FileChecksum ?? "")}",
        _ => "",
    };
}
