using System.Text.Json;
using System.Text.Json.Nodes;
using Dixie.Bff.Features.Reputation;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>Event builders shared by the reputation suites; each call makes a fresh event id.</summary>
public static class ReputationTesting
{
    public static string NewAgent() => "agent-" + Guid.NewGuid().ToString("N")[..16];

    public static string Timestamp(int secondsAfterBase = 0) =>
        ReputationTime.Normalise(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(secondsAfterBase));

    public static JsonObject Quality(string agent, double score, int seconds = 0, JsonObject? dimensions = null, Guid? eventId = null)
    {
        var ev = Envelope("quality_signal", agent, seconds, eventId);
        ev["score"] = score;
        if (dimensions is not null) ev["dimensions"] = dimensions;
        return ev;
    }

    public static JsonObject ModelPerformance(string agent, string model, string taskType, double score, int seconds = 0, string pool = "pool-a")
    {
        var ev = Envelope("model_performance", agent, seconds, null);
        ev["model_id"] = model;
        ev["provider"] = "test";
        ev["pool_id"] = pool;
        ev["task_type"] = taskType;
        ev["quality_observation"] = new JsonObject { ["score"] = score };
        return ev;
    }

    public static JsonObject TaskCompleted(string agent, int seconds = 0)
    {
        var ev = Envelope("task_completed", agent, seconds, null);
        ev["task_type"] = "analysis";
        ev["success"] = true;
        return ev;
    }

    public static JsonObject Credential(string agent, int seconds = 0)
    {
        var ev = Envelope("credential_update", agent, seconds, null);
        ev["credential_id"] = Guid.NewGuid().ToString();
        ev["action"] = "issued";
        return ev;
    }

    public static ReputationEvent Parse(JsonObject json)
    {
        using var document = JsonDocument.Parse(json.ToJsonString());
        var (ev, error) = ReputationEventParser.Parse(document.RootElement, DateTimeOffset.UtcNow);
        return ev ?? throw new InvalidOperationException(error);
    }

    public static string? ErrorOf(JsonNode json, DateTimeOffset? now = null)
    {
        using var document = JsonDocument.Parse(json.ToJsonString());
        return ReputationEventParser.Parse(document.RootElement, now ?? DateTimeOffset.UtcNow).Error;
    }

    private static JsonObject Envelope(string type, string agent, int seconds, Guid? eventId) => new()
    {
        ["type"] = type,
        ["event_id"] = (eventId ?? Guid.NewGuid()).ToString(),
        ["agent_id"] = agent,
        ["collection_id"] = "collection-1",
        ["timestamp"] = Timestamp(seconds),
    };
}
