using System.Globalization;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>
/// The one spelling of a hashed instant (spec 08 §2.4): UTC, truncated to milliseconds,
/// `yyyy-MM-ddTHH:mm:ss.fffZ`. The stored TIMESTAMPTZ re-reads to the same text, so a chain still
/// verifies after the database round trip.
/// </summary>
public static partial class AuditTimestamp
{
    private static readonly TimeSpan MaxAhead = TimeSpan.FromHours(24);

    public static DateTimeOffset Truncate(DateTimeOffset instant) =>
        new(instant.UtcTicks - instant.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    public static string Format(DateTimeOffset instant) =>
        Truncate(instant).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Format(DateTime utc) => Format(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    /// <summary>Validates a caller-given timestamp and returns the instant it denotes, truncated to milliseconds.</summary>
    /// <exception cref="ArgumentException">"Invalid audit timestamp: …"</exception>
    public static DateTimeOffset Parse(string? text, DateTimeOffset now)
    {
        var match = IsoPattern().Match(text ?? "");
        if (!match.Success) throw Invalid("expected yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)");
        DateTimeOffset instant;
        try
        {
            // Only the first three fraction digits count: the instant is truncated to milliseconds anyway.
            var fraction = match.Groups["fraction"].Value;
            var milliseconds = fraction.Length == 0 ? 0 : int.Parse(fraction.PadRight(3, '0')[..3], CultureInfo.InvariantCulture);
            instant = new DateTimeOffset(Int(match, "year"), Int(match, "month"), Int(match, "day"),
                Int(match, "hour"), Int(match, "minute"), Int(match, "second"), milliseconds, Offset(match.Groups["zone"].Value));
        }
        catch (ArgumentException)
        {
            throw Invalid($"'{text}' is not a valid date and time");
        }
        if (instant < DateTimeOffset.UnixEpoch) throw Invalid("before 1970");
        if (instant > now + MaxAhead) throw Invalid("more than 24 h in the future");
        return Truncate(instant.ToUniversalTime());
    }

    /// <summary>The hashed text of a caller-given timestamp.</summary>
    public static string Normalise(string? text, DateTimeOffset now) => Format(Parse(text, now));

    private static int Int(Match match, string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static TimeSpan Offset(string zone)
    {
        if (zone == "Z") return TimeSpan.Zero;
        var hours = int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture);
        var minutes = int.Parse(zone.AsSpan(4, 2), CultureInfo.InvariantCulture);
        if (minutes > 59) throw new ArgumentException("offset minutes out of range");
        var offset = new TimeSpan(hours, minutes, 0);
        return zone[0] == '-' ? -offset : offset;
    }

    private static ArgumentException Invalid(string detail) => new($"Invalid audit timestamp: {detail}");

    // [0-9] rather than \d: .NET's \d also matches non-ASCII digits.
    [GeneratedRegex(@"^(?<year>[0-9]{4})-(?<month>[0-9]{2})-(?<day>[0-9]{2})T(?<hour>[0-9]{2}):(?<minute>[0-9]{2}):(?<second>[0-9]{2})(\.(?<fraction>[0-9]+))?(?<zone>Z|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex IsoPattern();
}
