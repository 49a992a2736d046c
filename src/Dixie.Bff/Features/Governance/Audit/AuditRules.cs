using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>The shapes of spec 08 §2.1 that every writer and the admin API check.</summary>
public static partial class AuditRules
{
    /// <summary>Integers from 2^53 on would not survive the double every JCS number becomes.</summary>
    private const decimal TwoPow53 = 9007199254740992m;

    public static bool IsResourceType(string? value) => value is not null && ResourceTypePattern().IsMatch(value);

    public static bool IsEventType(string? value) => value is not null && EventTypePattern().IsMatch(value);

    /// <summary>A writer's mistake is a programming error (500), never a silently odd entry.</summary>
    public static void EnsureValid(string resourceType, AuditRecord record)
    {
        if (!IsResourceType(resourceType)) throw new ArgumentException($"Invalid audit resource type '{resourceType}'");
        if (!IsEventType(record.EventType)) throw new ArgumentException($"Invalid audit event type '{record.EventType}'");
        if (record.ActorId is { Length: 0 }) throw new ArgumentException("An audit actor is absent or non-empty");
        if (record.Payload is not null) EnsureSafeNumbers(record.Payload);
    }

    private static void EnsureSafeNumbers(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj) EnsureSafeNumbers(value);
                break;
            case JsonArray array:
                foreach (var value in array) EnsureSafeNumbers(value);
                break;
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                CanonicalJson.ReadNumber(value); // rejects NaN and Infinity
                var text = value.ToJsonString();
                // Judged on the text: the double of 2^53 + 1 is already 2^53.
                if (!text.AsSpan().ContainsAny('.', 'e', 'E')
                    && !(decimal.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var integer)
                         && Math.Abs(integer) < TwoPow53))
                {
                    throw new ArgumentException($"Audit payload integer {text} is not below 2^53");
                }
                break;
        }
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_-]{0,63}\z")]
    private static partial Regex ResourceTypePattern();

    [GeneratedRegex(@"^[a-z]+\.[a-z_]+\.[a-z_]+\z")]
    private static partial Regex EventTypePattern();
}
