using System.Globalization;

namespace Dixie.Bff.Infrastructure;

/// <summary>
/// UTC with exactly three fraction digits, so JavaScript's `new Date(t).toISOString() === t`
/// (.NET's "O" format has seven and is wrong on the wire).
/// </summary>
public static class IsoTime
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
