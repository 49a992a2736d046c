using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Dixie.Bff.Infrastructure.Nats;

/// <summary>
/// The `DIXIE_SIGNALS` stream (spec 10 §1): created when missing, and brought back to the documented
/// settings when an operator or an older deployment changed them. Fields outside the table are left alone.
/// </summary>
internal sealed class SignalStream(INatsJSContext jetStream, int replicas, ILogger logger)
{
    public const string Name = "DIXIE_SIGNALS";
    public const string Subjects = "dixie.signal.>";

    private sealed record Field(string Name, Func<StreamConfig, StreamConfig, bool> Differs, Func<StreamConfig, StreamConfig, StreamConfig> Apply);

    // Named as in the JetStream API, so a log line matches `nats stream info`.
    private static readonly Field[] Fields =
    [
        new("subjects", (a, d) => !(a.Subjects ?? []).Order().SequenceEqual(d.Subjects!), (a, d) => a with { Subjects = [.. d.Subjects!] }),
        new("retention", (a, d) => a.Retention != d.Retention, (a, d) => a with { Retention = d.Retention }),
        new("max_msgs", (a, d) => a.MaxMsgs != d.MaxMsgs, (a, d) => a with { MaxMsgs = d.MaxMsgs }),
        new("discard", (a, d) => a.Discard != d.Discard, (a, d) => a with { Discard = d.Discard }),
        new("max_age", (a, d) => a.MaxAge != d.MaxAge, (a, d) => a with { MaxAge = d.MaxAge }),
        new("storage", (a, d) => a.Storage != d.Storage, (a, d) => a with { Storage = d.Storage }),
        new("num_replicas", (a, d) => a.NumReplicas != d.NumReplicas, (a, d) => a with { NumReplicas = d.NumReplicas }),
        new("duplicate_window", (a, d) => a.DuplicateWindow != d.DuplicateWindow, (a, d) => a with { DuplicateWindow = d.DuplicateWindow }),
    ];

    // JetStream refuses to change these on an existing stream.
    private static readonly HashSet<string> Immutable = ["storage", "retention"];

    public static StreamConfig Desired(int replicas) => new(Name, [Subjects])
    {
        Retention = StreamConfigRetention.Limits,
        MaxMsgs = 100_000,
        Discard = StreamConfigDiscard.Old,
        MaxAge = TimeSpan.FromDays(7),
        Storage = StreamConfigStorage.File,
        NumReplicas = replicas,
        DuplicateWindow = TimeSpan.FromMinutes(2),
    };

    public static IReadOnlyList<string> ChangedFields(StreamConfig actual, StreamConfig desired) =>
        [.. Fields.Where(field => field.Differs(actual, desired)).Select(field => field.Name)];

    /// <summary>Whether a stream bound to these subjects stores every signal subject.</summary>
    public static bool CoversSignals(IEnumerable<string>? subjects) => (subjects ?? []).Any(subject => Covers(subject, Subjects));

    /// <summary>Returns true when the stream is usable for publishing signals.</summary>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        var desired = Desired(replicas);
        try
        {
            var actual = await FindAsync(cancellationToken);
            if (actual is null)
            {
                await jetStream.CreateStreamAsync(desired, cancellationToken);
                NatsLog.StreamCreated(logger, Name);
                return true;
            }

            var changed = ChangedFields(actual, desired);
            return changed.Count == 0 || await UpdateAsync(actual, desired, changed, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var reason = e is NatsNoRespondersException or NatsJSApiNoResponseException
                ? "JetStream is not enabled on the server (no responders)"
                : e.GetType().Name;
            NatsLog.StreamError(logger, Name, reason, e);
            return false;
        }
    }

    private async Task<StreamConfig?> FindAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stream = await jetStream.GetStreamAsync(Name, cancellationToken: cancellationToken);
            return stream.Info.Config;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return null;
        }
    }

    private async Task<bool> UpdateAsync(StreamConfig actual, StreamConfig desired, IReadOnlyList<string> changed, CancellationToken cancellationToken)
    {
        try
        {
            await jetStream.UpdateStreamAsync(Apply(actual, desired, changed), cancellationToken);
            NatsLog.StreamUpdated(logger, Name, string.Join(",", changed));
            return true;
        }
        catch (NatsJSApiException refused)
        {
            // Still fix what can be fixed, so one immutable difference does not freeze the others.
            var current = actual;
            var mutable = changed.Where(field => !Immutable.Contains(field)).ToList();
            if (mutable.Count > 0 && mutable.Count < changed.Count)
            {
                try
                {
                    current = Apply(actual, desired, mutable);
                    await jetStream.UpdateStreamAsync(current, cancellationToken);
                    NatsLog.StreamUpdated(logger, Name, string.Join(",", mutable));
                    changed = [.. changed.Except(mutable)];
                }
                catch (NatsJSApiException)
                {
                    current = actual;
                }
            }

            NatsLog.StreamMismatch(logger, Name, string.Join(",", changed), refused);
            return CoversSignals(current.Subjects);
        }
    }

    private static StreamConfig Apply(StreamConfig actual, StreamConfig desired, IEnumerable<string> names) =>
        Fields.Where(field => names.Contains(field.Name)).Aggregate(actual, (config, field) => field.Apply(config, desired));

    // NATS subject matching of a filter against a subject that itself ends in `>`: only `>` covers `>`.
    private static bool Covers(string filter, string subject)
    {
        var f = filter.Split('.');
        var s = subject.Split('.');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == ">")
            {
                return true;
            }

            if (i >= s.Length || s[i] == ">" || (f[i] != "*" && f[i] != s[i]))
            {
                return false;
            }
        }

        return f.Length == s.Length;
    }
}
