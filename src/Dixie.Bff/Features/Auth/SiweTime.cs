namespace Dixie.Bff.Features.Auth;

/// <summary>
/// RFC 3339 `date-time` exactly as spec 04 §3.2 states it: `T` and `Z` in either case, 1–9 fraction
/// digits, `Z` or a `±hh:mm` offset, seconds 00–59 (a leap second is refused). .NET's own parsers
/// accept far more (spaces, missing offsets, other calendars), so the text is read field by field.
/// </summary>
internal static class SiweTime
{
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        var s = text.AsSpan();
        // yyyy-mm-ddThh:mm:ss is 19 characters, then fraction and offset.
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] is not ('T' or 't') || s[13] != ':' || s[16] != ':') return false;
        if (!TryDigits(s[..4], out var year) || !TryDigits(s[5..7], out var month) || !TryDigits(s[8..10], out var day)
            || !TryDigits(s[11..13], out var hour) || !TryDigits(s[14..16], out var minute) || !TryDigits(s[17..19], out var second))
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var rest = s[19..];
        long fractionTicks = 0;
        if (rest.Length > 0 && rest[0] == '.')
        {
            var digits = 0;
            while (digits + 1 < rest.Length && char.IsAsciiDigit(rest[digits + 1])) digits++;
            if (digits is 0 or > 9) return false;
            // Ticks are 100 ns: the first seven digits count, the rest is below the clock's resolution.
            for (var i = 0; i < 7; i++) fractionTicks = fractionTicks * 10 + (i < digits ? rest[i + 1] - '0' : 0);
            rest = rest[(digits + 1)..];
        }

        TimeSpan offset;
        if (rest.Length == 1 && rest[0] is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':'
            && TryDigits(rest[1..3], out var offsetHours) && TryDigits(rest[4..6], out var offsetMinutes)
            && offsetHours <= 23 && offsetMinutes <= 59)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (rest[0] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        // Computed in UTC ticks: RFC 3339 allows offsets up to ±23:59, DateTimeOffset only ±14:00.
        var utcTicks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fractionTicks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks) return false;
        value = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
