using System.Globalization;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Features.Reputation;

/// <summary>Event timestamps: the §3.3 grammar, and the `yyyy-MM-ddTHH:mm:ss.fffZ` form the service writes.</summary>
public static partial class ReputationTime
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();

    /// <summary>Parses a timestamp of the §3.3 form; fraction digits beyond 7 are dropped (ms is what is kept).</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || !Grammar().IsMatch(text)) return false;
        var trimmed = TrimFraction(text);
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary>UTC, truncated to milliseconds, three fraction digits.</summary>
    public static string Normalise(DateTimeOffset value) =>
        Infrastructure.IsoTime.Format(new DateTimeOffset(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero));

    /// <summary>The later of a stored timestamp (possibly missing or unreadable) and a normalised event timestamp.</summary>
    public static string Later(string? stored, string eventTimestamp)
    {
        if (!TryParse(stored, out var current)) return eventTimestamp;
        return TryParse(eventTimestamp, out var incoming) && incoming > current ? eventTimestamp : stored!;
    }

    private static string TrimFraction(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return text;
        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
        return end - dot - 1 <= 7 ? text : text[..(dot + 8)] + text[end..];
    }
}
