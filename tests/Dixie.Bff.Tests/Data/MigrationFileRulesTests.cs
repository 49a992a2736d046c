using System.Text;
using System.Text.RegularExpressions;
using Dixie.Bff.Data;

namespace Dixie.Bff.Tests.Data;

public sealed partial class MigrationFileRulesTests
{
    private static readonly IReadOnlyList<MigrationFile> Embedded = MigrationCatalog.ReadEmbedded();

    [Fact]
    public void Migration_files_follow_the_rules()
    {
        var upFiles = Embedded.Where(f => !f.IsDown).ToList();
        Assert.Equal(
            ["005_reputation_aggregates.sql", "006_reputation_task_cohorts.sql", "007_reputation_events.sql", "008_mutation_log.sql",
             "009_audit_trail.sql", "012_audit_chain_uniqueness.sql", "013_fleet_orchestration.sql", "014_outbox.sql",
             "016_reputation_event_ids.sql", "017_reputation_population.sql", "018_reputation_baselines.sql", "019_chat_sessions.sql",
             "020_fleet_task_runner.sql", "021_event_outbox.sql"],
            MigrationCatalog.Load().UpFiles.Select(f => f.FileName));

        Assert.All(upFiles, f => Assert.Matches(MigrationCatalog.UpFileName(), f.FileName));
        Assert.Equal(upFiles.Count, upFiles.Select(f => f.Number).Distinct().Count());
        Assert.All(upFiles, f => Assert.Contains(Embedded, d => d.FileName == f.DownFileName));
        Assert.All(Embedded.Where(f => f.IsDown), d => Assert.Contains(upFiles, f => f.DownFileName == d.FileName));

        foreach (var file in Embedded)
        {
            Assert.False(file.Content.AsSpan().StartsWith(Encoding.UTF8.Preamble), $"{file.FileName} starts with a BOM");
            Assert.DoesNotContain((byte)'\r', file.Content);
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file.Content);
            Assert.StartsWith("-- ", text);
            var code = WithoutComments(text);
            Assert.False(TransactionStatement().IsMatch(code), $"{file.FileName} controls the transaction: {TransactionStatement().Match(code).Value}");
            Assert.False(Forbidden().IsMatch(code), $"{file.FileName} uses {Forbidden().Match(code).Value}");
        }
    }

    [Fact]
    public void Up_files_are_written_to_be_idempotent()
    {
        foreach (var file in Embedded.Where(f => !f.IsDown))
        {
            var code = WithoutComments(file.Sql);
            Assert.False(CreateWithoutGuard().IsMatch(code), $"{file.FileName}: {CreateWithoutGuard().Match(code).Value}");
            // ADD CONSTRAINT has no IF NOT EXISTS: it must sit inside a DO block that checks the catalog.
            foreach (Match add in AddConstraint().Matches(code))
            {
                var before = code[..add.Index];
                Assert.True(before.LastIndexOf("DO $$", StringComparison.Ordinal) > before.LastIndexOf("$$;", StringComparison.Ordinal),
                    $"{file.FileName}: ADD CONSTRAINT outside a DO block");
            }
        }
    }

    [Fact]
    public void Duplicate_numbers_are_refused()
    {
        var duplicate = new MigrationFile("016_another_file.sql", "-- duplicate\nSELECT 1;\n"u8.ToArray());
        var ex = Assert.Throws<MigrationCatalogException>(() => MigrationCatalog.Load([duplicate]));
        Assert.Contains("016", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_are_ordered_by_number_not_by_name()
    {
        var catalog = MigrationCatalog.Load([new MigrationFile("100_later.sql", "-- t\n"u8.ToArray()), new MigrationFile("099_earlier.sql", "-- t\n"u8.ToArray())]);
        var names = catalog.UpFiles.Select(f => f.Number).ToList();
        Assert.Equal(names.Order(), names);
        Assert.True(MigrationNumbers.Compare("10_x.sql", "9_x.sql") > 0);
    }

    private static string WithoutComments(string sql) => LineComment().Replace(sql, "");

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineComment();

    // plpgsql blocks use BEGIN … END; a transaction statement is BEGIN; / BEGIN TRANSACTION / START TRANSACTION / COMMIT / ROLLBACK / ABORT.
    [GeneratedRegex(@"\bBEGIN\s*(;|TRANSACTION\b|WORK\b|ISOLATION\b)|\bSTART\s+TRANSACTION\b|\bCOMMIT\b|\bROLLBACK\b|\bABORT\b|\bEND\s*;", RegexOptions.IgnoreCase)]
    private static partial Regex TransactionStatement();

    [GeneratedRegex(@"\bCONCURRENTLY\b|\bVACUUM\b", RegexOptions.IgnoreCase)]
    private static partial Regex Forbidden();

    // CREATE TABLE/INDEX without IF NOT EXISTS, CREATE FUNCTION/TRIGGER without OR REPLACE. A table
    // created inside a DO block after a to_regclass check is the one allowed exception (018).
    [GeneratedRegex(@"^\s*CREATE\s+(?!OR\s+REPLACE\b)(?!(UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS\b)(?!TABLE\s+IF\s+NOT\s+EXISTS\b)(?!TABLE\s+reputation_baselines\b)\w+", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex CreateWithoutGuard();

    [GeneratedRegex(@"ADD\s+CONSTRAINT", RegexOptions.IgnoreCase)]
    private static partial Regex AddConstraint();
}
