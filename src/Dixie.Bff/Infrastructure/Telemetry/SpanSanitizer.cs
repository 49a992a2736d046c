using System.Diagnostics;
using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Infrastructure.Telemetry;

/// <summary>The only way our code sets span attributes and records exceptions (spec 10 §5.3).</summary>
public static class SpanSanitizer
{
    /// <summary>
    /// Sets one attribute if the span allows it; `wallet` is written as `wallet_hash`, `identity`
    /// and `operator_id` as `identity_hash`, each hashed and only when that name is allowed.
    /// </summary>
    public static void SetSanitized(Activity? activity, string key, object? value)
    {
        if (activity is null || !SpanAllowlist.IsGoverned(activity.DisplayName)) return;
        var (target, hashed) = key switch
        {
            "wallet" => ("wallet_hash", true),
            "identity" or "operator_id" => ("identity_hash", true),
            _ => (key, false),
        };
        if (!SpanAllowlist.IsAllowed(activity.DisplayName, target)) return;
        if (hashed)
        {
            if (value is string text) activity.SetTag(target, Redaction.Hash12(text));
            return;
        }
        activity.SetTag(target, value is string s ? Redaction.Redact(s) : value);
    }

    /// <summary>Error status with the redacted message, plus an `exception` event with redacted text.</summary>
    public static void RecordSanitizedException(Activity? activity, Exception exception)
    {
        if (activity is null) return;
        var message = Redaction.Redact(exception.Message);
        activity.SetStatus(ActivityStatusCode.Error, message);
        activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
        {
            ["exception.type"] = exception.GetType().FullName,
            ["exception.message"] = message,
            ["exception.stacktrace"] = Redaction.Redact(exception.ToString()),
        }));
    }
}
