using Dixie.Bff.Features.Governance.Audit;

namespace Dixie.Bff.Tests.Governance;

public sealed class AuditTimestampTests
{
    private static readonly DateTimeOffset Now = new(2026, 2, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-02-26T00:00:00Z")]
    [InlineData("2026-02-26T01:00:00+01:00")]
    [InlineData("2026-02-26T00:00:00.000999Z")]
    [InlineData("2026-02-25T19:00:00.0009-05:00")]
    public void Equal_instants_normalise_to_one_spelling(string text)
    {
        Assert.Equal("2026-02-26T00:00:00.000Z", AuditTimestamp.Normalise(text, Now));
    }

    [Fact]
    public void Fractions_are_truncated_not_rounded()
    {
        Assert.Equal("2026-02-26T00:00:00.123Z", AuditTimestamp.Normalise("2026-02-26T00:00:00.1239999Z", Now));
        Assert.Equal("2026-02-26T00:00:00.500Z", AuditTimestamp.Normalise("2026-02-26T00:00:00.5Z", Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("2026-02-26 00:00:00")]
    [InlineData("2026-02-26T00:00:00")]
    [InlineData("1969-12-31T23:59:59Z")]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("2026-02-26T24:00:00Z")]
    [InlineData("2026-02-26T00:00:00+01:60")]
    [InlineData("２０２６-02-26T00:00:00Z")]
    public void Malformed_or_impossible_timestamps_are_rejected(string? text)
    {
        var error = Assert.Throws<ArgumentException>(() => AuditTimestamp.Normalise(text, Now));
        Assert.StartsWith("Invalid audit timestamp: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_a_day_ahead_is_rejected()
    {
        var tooLate = AuditTimestamp.Format(Now.AddHours(25));
        Assert.Throws<ArgumentException>(() => AuditTimestamp.Normalise(tooLate, Now));
        Assert.Equal(AuditTimestamp.Format(Now.AddHours(23)), AuditTimestamp.Normalise(AuditTimestamp.Format(Now.AddHours(23)), Now));
    }

    [Fact]
    public void The_writer_clock_is_truncated_to_milliseconds()
    {
        var instant = new DateTimeOffset(2026, 2, 26, 0, 0, 0, TimeSpan.Zero).AddTicks(9_999);
        Assert.Equal("2026-02-26T00:00:00.000Z", AuditTimestamp.Format(instant));
    }
}
