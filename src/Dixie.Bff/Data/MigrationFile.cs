using System.Security.Cryptography;
using System.Text;

namespace Dixie.Bff.Data;

/// <summary>
/// One migration file as it is embedded in the build (spec 09 §3.1). The checksum is the lowercase
/// hex SHA-256 of the exact bytes, the same algorithm the TypeScript service used on the UTF-8 text.
/// </summary>
public sealed class MigrationFile
{
    private const string DownSuffix = "_down.sql";

    public MigrationFile(string fileName, byte[] content)
    {
        FileName = fileName;
        Content = content;
        Number = MigrationNumbers.Parse(fileName);
        Checksum = Convert.ToHexStringLower(SHA256.HashData(content));
    }

    public string FileName { get; }

    /// <summary>The integer prefix; files are applied in this order.</summary>
    public int Number { get; }

    public byte[] Content { get; }

    public string Checksum { get; }

    public bool IsDown => FileName.EndsWith(DownSuffix, StringComparison.Ordinal);

    /// <summary>`NNN_name.sql` → `NNN_name_down.sql`.</summary>
    public string DownFileName => IsDown ? FileName : FileName[..^".sql".Length] + DownSuffix;

    public string Sql => Encoding.UTF8.GetString(Content);

    public override string ToString() => FileName;
}

/// <summary>Numeric prefixes of migration file names, so 10 sorts after 9.</summary>
public static class MigrationNumbers
{
    /// <summary>The leading digits as an integer; names without any sort last.</summary>
    public static int Parse(string fileName)
    {
        var digits = 0;
        while (digits < fileName.Length && digits < 9 && char.IsAsciiDigit(fileName[digits])) digits++;
        return digits == 0 ? int.MaxValue : int.Parse(fileName.AsSpan(0, digits), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Numeric order, then ordinal by name for rows that share a number.</summary>
    public static int Compare(string left, string right)
    {
        var byNumber = Parse(left).CompareTo(Parse(right));
        return byNumber != 0 ? byNumber : string.CompareOrdinal(left, right);
    }
}
