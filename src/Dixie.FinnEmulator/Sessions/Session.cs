namespace Dixie.FinnEmulator.Sessions;

/// <summary>An emulated finn session; mutable fields are guarded by <see cref="SessionStore"/>'s lock.</summary>
public sealed class Session(string id, long createdMs)
{
    private int _streaming;

    public string Id { get; } = id;
    public long CreatedMs { get; } = createdMs;
    public long LastActivityMs { get; internal set; } = createdMs;
    public int MessageCount { get; internal set; }

    /// <summary>True while a WebSocket turn runs on the session.</summary>
    public bool IsStreaming => Volatile.Read(ref _streaming) > 0;

    internal LinkedListNode<Session>? Node { get; set; }

    public void BeginStreaming() => Interlocked.Increment(ref _streaming);

    public void EndStreaming() => Interlocked.Decrement(ref _streaming);
}
