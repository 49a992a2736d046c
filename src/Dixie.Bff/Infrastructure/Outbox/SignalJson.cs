using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>
/// The envelope of spec 10 §2.1: exactly five members, snake_case, nullable fields present as null.
/// `occurred_at` has milliseconds and `Z`; the id is the lowercase UUID v7 that is also the row id and the `Nats-Msg-Id`.
/// </summary>
public sealed record SignalEnvelope(Guid Id, string Type, string Subject, string OccurredAt, object Data);

public static class SignalJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>`data` is serialized by its runtime type, so a derived fleet record keeps its own fields.</summary>
    public static string Serialize(SignalEnvelope envelope) => JsonSerializer.Serialize(envelope, Options);

    /// <summary>The wire name of an enum value, e.g. `allowlist_entry_added`.</summary>
    public static string EnumName<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
