using System.Diagnostics;
using Dixie.Bff.Infrastructure.Logging;
using OpenTelemetry;

namespace Dixie.Bff.Infrastructure.Telemetry;

/// <summary>
/// Enforces spec 10 §5.2 at span end, before any exporter sees the span: names the ASP.NET Core
/// server span `dixie.request`, drops every attribute the six spans do not allow, and redacts
/// wallet-shaped text on every span from any source.
/// </summary>
public sealed class DixieSpanProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity activity)
    {
        if (activity.Kind == ActivityKind.Server && activity.Source.Name == "Microsoft.AspNetCore")
            activity.DisplayName = SpanAllowlist.Request;

        var governed = SpanAllowlist.IsGoverned(activity.DisplayName);
        List<KeyValuePair<string, object?>>? changes = null;
        foreach (var (key, value) in activity.TagObjects)
        {
            if (governed && !SpanAllowlist.IsAllowed(activity.DisplayName, key))
                (changes ??= []).Add(new(key, null));
            else if (value is string text && Redaction.Redact(text) is var redacted && !ReferenceEquals(redacted, text))
                (changes ??= []).Add(new(key, redacted));
        }
        if (changes is not null)
        {
            foreach (var (key, value) in changes) activity.SetTag(key, value);
        }
        if (activity.StatusDescription is { } description)
            activity.SetStatus(activity.Status, Redaction.Redact(description));
    }
}
