namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>The NATS subjects of spec 10 §2.2. All of them lie under the `DIXIE_SIGNALS` stream's `dixie.signal.>`.</summary>
public static class SignalSubjects
{
    public const string Prefix = "dixie.signal.";
    public const string Interaction = "dixie.signal.interaction";
    public const string Reputation = "dixie.signal.reputation";
    public const string Governance = "dixie.signal.governance";

    /// <summary>`dixie.signal.fleet.&lt;event&gt;`; consumers subscribe to `dixie.signal.fleet.>` for all of them.</summary>
    public static string Fleet(string fleetEvent) => $"{Prefix}fleet.{fleetEvent}";

    /// <summary>The `family` label of `dixie.outbox.published` (spec 10 §6), from a row's subject.</summary>
    public static string Family(string subject) => subject switch
    {
        Interaction => "interaction",
        Reputation => "reputation",
        Governance => "governance",
        _ when subject.StartsWith(Prefix + "fleet.", StringComparison.Ordinal) => "fleet",
        // Only the four families exist; a label never carries free text.
        _ => "other",
    };

    /// <summary>
    /// A subject a signal may be written to: under `dixie.signal.`, made of non-empty tokens without
    /// wildcards or whitespace, because JetStream would refuse anything else at publish time and the row
    /// would then back off forever.
    /// </summary>
    public static bool IsValid(string subject) =>
        subject.StartsWith(Prefix, StringComparison.Ordinal)
        && subject.Split('.').All(token => token.Length > 0 && token is not ("*" or ">")
            && !token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)));
}

/// <summary>The `dedup_key` of each signal (spec 10 §2.2): a second write with the same key is dropped by the outbox.</summary>
public static class SignalDedupKeys
{
    public static string Chat(string sessionId, string messageId) => $"chat:{sessionId}:{messageId}";

    public static string Reputation(Guid eventId) => $"reputation:{eventId:D}";

    public static string Fleet(Guid taskId, long version) => $"fleet:{taskId:D}:{version}";

    /// <summary>Keyed by the new file's bytes, so several instances reloading the same file yield one signal.</summary>
    public static string Governance(ReadOnlySpan<byte> allowlistFileBytes) =>
        $"governance:allowlist:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(allowlistFileBytes))}";
}
