using System.Globalization;

namespace Dixie.FinnEmulator.Admin;

/// <summary>Timestamps as JavaScript's <c>toISOString()</c> writes them, as finn does.</summary>
public static class Iso
{
    public static string Format(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
