namespace Dixie.Bff.Tests.Auth;

/// <summary>
/// A wall clock a test can set (and set back), unlike FakeTimeProvider. Only <see cref="GetUtcNow"/>
/// is replaced: timers and timestamps keep real time, so the host's background work still runs.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset? _now;

    public void Set(DateTimeOffset now) => _now = now;

    /// <summary>Back to the real clock.</summary>
    public void Release() => _now = null;

    public override DateTimeOffset GetUtcNow() => _now ?? base.GetUtcNow();
}
