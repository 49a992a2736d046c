using System.Globalization;
using System.Text;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>
/// ECMAScript Number::toString for finite doubles (ECMA-262 §6.1.6.1.20), which RFC 8785 §3.2.2.3
/// prescribes: the shortest digits that round-trip, plain notation for 1e-6 ≤ |x| &lt; 1e21, otherwise
/// `d[.ddd]e±x`; −0 is `0`.
/// </summary>
public static class EcmaNumber
{
    public static string Format(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException("NaN and Infinity are not JSON numbers", nameof(value));
        if (value == 0) return "0";

        // .NET's "R" gives the shortest round-trip digits; only the layout differs from ECMAScript.
        var (digits, pointPosition) = ShortestDigits(Math.Abs(value));
        var k = digits.Length;
        var n = pointPosition;
        var output = new StringBuilder(k + 8);
        if (value < 0) output.Append('-');
        if (k <= n && n <= 21)
        {
            output.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            output.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            output.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var exponent = n - 1;
            output.Append(digits[0]);
            if (k > 1) output.Append('.').Append(digits, 1, k - 1);
            output.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString(CultureInfo.InvariantCulture));
        }
        return output.ToString();
    }

    /// <summary>Digits without leading or trailing zeros, and n such that value = 0.digits × 10^n.</summary>
    private static (string Digits, int PointPosition) ShortestDigits(double magnitude)
    {
        var text = magnitude.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? text : text[..e];
        var exponent = e < 0 ? 0 : int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, point), mantissa.AsSpan(point + 1));
        var pointPosition = (point < 0 ? mantissa.Length : point) + exponent;
        var leadingZeros = 0;
        while (digits[leadingZeros] == '0') leadingZeros++;
        return (digits[leadingZeros..].TrimEnd('0'), pointPosition - leadingZeros);
    }
}
