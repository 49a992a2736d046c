using System.Text.Json;

namespace Dixie.Bff.Infrastructure.Postgres;

/// <summary>
/// What PostgreSQL refuses although JSON allows it, checked before a client's JSON is stored: a NUL
/// character in a string or key (text and jsonb hold none), and a number beyond `numeric`'s range —
/// more than 131 072 digits before the decimal point or 16 383 after it, as the literal is written
/// (`1e-20000`, `1.0e-16383` and `0e-20000` are all refused; `1e400` is stored exactly).
/// </summary>
public static class JsonbValue
{
    private const long MaxIntegerDigits = 131_072;
    private const long MaxFractionDigits = 16_383;
    private const long MaxExponent = 1_000_000_000; // PostgreSQL refuses even `0e2000000000`

    public static bool CanStore(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return !element.GetString()!.Contains('\0');
            case JsonValueKind.Number:
                return IsStorableNumber(element.GetRawText());
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Contains('\0') || !CanStore(property.Value)) return false;
                }
                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!CanStore(item)) return false;
                }
                return true;
            default:
                return true;
        }
    }

    /// <summary>Whether a JSON number literal (`-?int(.frac)?(e[+-]?exp)?`) fits `numeric` as written.</summary>
    public static bool IsStorableNumber(string literal)
    {
        var text = literal.AsSpan().TrimStart('-');
        var e = text.IndexOfAny('e', 'E');
        long exponent = 0;
        if (e >= 0 && !long.TryParse(text[(e + 1)..], System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > MaxExponent)
        {
            return false;
        }
        var mantissa = e >= 0 ? text[..e] : text;
        var point = mantissa.IndexOf('.');
        var integer = point >= 0 ? mantissa[..point] : mantissa;
        var fraction = point >= 0 ? mantissa[(point + 1)..] : [];
        if (fraction.Length - exponent > MaxFractionDigits) return false;

        // The count of digits before the point, from the most significant non-zero digit.
        var significantInteger = integer.TrimStart('0').Length;
        var firstFractionDigit = fraction.IndexOfAnyExcept('0');
        if (significantInteger == 0 && firstFractionDigit < 0) return true;
        var digitsBeforePoint = significantInteger > 0 ? significantInteger + exponent : exponent - firstFractionDigit;
        return digitsBeforePoint <= MaxIntegerDigits;
    }
}
