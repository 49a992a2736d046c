namespace Dixie.Bff.Features.Reputation;

/// <summary>The fixed reliability block of the read routes (spec 06 §5.5).</summary>
public sealed record Reliability(bool Reliable, IReadOnlyList<string> Reasons)
{
    public const int MinSamples = 5;
    public const int MaxAgeDays = 60;

    public static Reliability Of(long sampleCount, string? lastUpdated, DateTimeOffset now)
    {
        var reasons = new List<string>();
        if (sampleCount < MinSamples) reasons.Add("sample_count below 5");
        if (ReputationTime.TryParse(lastUpdated, out var updated) is false)
            reasons.Add("last_updated missing or invalid");
        else if (now - updated > TimeSpan.FromDays(MaxAgeDays))
            reasons.Add("last_updated older than 60 days");
        return new Reliability(reasons.Count == 0, reasons);
    }
}
