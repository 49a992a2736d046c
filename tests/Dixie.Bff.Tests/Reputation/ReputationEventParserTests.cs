using System.Text.Json.Nodes;
using Dixie.Bff.Features.Reputation;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>Spec 06 §14 item 15: every field rule of §3.3, first problem reported as `path: reason`.</summary>
public sealed class ReputationEventParserTests
{
    private static JsonObject With(JsonObject ev, Action<JsonObject> change)
    {
        change(ev);
        return ev;
    }

    [Fact]
    public void Valid_events_of_every_variant_parse()
    {
        var agent = NewAgent();
        Assert.Null(ErrorOf(Quality(agent, 0.5, dimensions: new JsonObject { ["accuracy"] = 1, ["a_1"] = 0 })));
        Assert.Null(ErrorOf(With(ModelPerformance(agent, "m", "team-x:review_code", 0.5), e =>
        {
            e["quality_observation"]!["latency_ms"] = 12;
            e["quality_observation"]!["evaluated_by"] = "judge";
            e["request_context"] = new JsonObject { ["request_id"] = Guid.NewGuid().ToString().ToUpperInvariant() };
            e["sequence"] = 4;
        })));
        Assert.Null(ErrorOf(With(TaskCompleted(agent), e => e["duration_ms"] = 3_600_000)));
        Assert.Null(ErrorOf(Credential(agent)));
        Assert.Null(ErrorOf(With(Quality(agent, 0.5), e => e["timestamp"] = "2026-01-01T10:00:00+02:00")));
    }

    public static TheoryData<string, string> Problems => new()
    {
        { """{"type":"nope"}""", "type: must be one of quality_signal, task_completed, credential_update, model_performance" },
        { "[1]", "(event): must be an object" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Shapes_that_are_not_events_are_rejected(string json, string error) => Assert.Equal(error, ErrorOf(JsonNode.Parse(json)!));

    [Fact]
    public void Each_rule_reports_its_path()
    {
        var agent = NewAgent();
        Assert.Equal("foo: unknown field", ErrorOf(With(Quality(agent, 0.5), e => e["foo"] = 1)));
        Assert.Equal("quality_observation.extra: unknown field", ErrorOf(With(ModelPerformance(agent, "m", "analysis", 0.5), e => e["quality_observation"]!["extra"] = 1)));
        Assert.Equal("request_context.x: unknown field", ErrorOf(With(ModelPerformance(agent, "m", "analysis", 0.5), e => e["request_context"] = new JsonObject { ["x"] = 1 })));
        Assert.Equal("score: required", ErrorOf(With(Quality(agent, 0.5), e => e.Remove("score"))));
        Assert.Equal("score: must be a number between 0 and 1", ErrorOf(Quality(agent, 1.01)));
        Assert.Equal("score: must be a number between 0 and 1", ErrorOf(With(Quality(agent, 0.5), e => e["score"] = "0.5")));
        Assert.Equal("quality_observation.score: must be a number between 0 and 1", ErrorOf(ModelPerformance(agent, "m", "analysis", -0.1)));
        Assert.Equal("event_id: must be a UUID", ErrorOf(With(Quality(agent, 0.5), e => e["event_id"] = "not-a-uuid")));
        Assert.Equal("credential_id: must be a UUID", ErrorOf(With(Credential(agent), e => e["credential_id"] = "x")));
        Assert.Equal("agent_id: must match ^[A-Za-z0-9_-]{1,128}$", ErrorOf(With(Quality(agent, 0.5), e => e["agent_id"] = "../admin")));
        Assert.Equal("agent_id: must match ^[A-Za-z0-9_-]{1,128}$", ErrorOf(With(Quality(agent, 0.5), e => e["agent_id"] = new string('a', 129))));
        Assert.Equal("collection_id: must be a string of 1 to 255 characters", ErrorOf(With(Quality(agent, 0.5), e => e["collection_id"] = "")));
        Assert.Equal("duration_ms: must be an integer between 0 and 3600000", ErrorOf(With(TaskCompleted(agent), e => e["duration_ms"] = 3_600_001)));
        Assert.Equal("duration_ms: must be an integer between 0 and 3600000", ErrorOf(With(TaskCompleted(agent), e => e["duration_ms"] = 1.5)));
        Assert.Equal("success: must be a boolean", ErrorOf(With(TaskCompleted(agent), e => e["success"] = "yes")));
        Assert.Equal("action: must be one of issued, revoked, renewed, suspended", ErrorOf(With(Credential(agent), e => e["action"] = "deleted")));
        Assert.Equal("sequence: must be an integer ≥ 0", ErrorOf(With(Quality(agent, 0.5), e => e["sequence"] = -1)));
        Assert.Equal("model_id: required", ErrorOf(With(ModelPerformance(agent, "m", "analysis", 0.5), e => e.Remove("model_id"))));
    }

    [Fact]
    public void Text_and_numbers_that_postgresql_cannot_store_are_rejected_per_field()
    {
        var agent = NewAgent();
        // Read as valid doubles or strings, but jsonb refuses them: the item fails alone, never the batch.
        Assert.Equal("score: must be a number between 0 and 1", ErrorOf(With(Quality(agent, 0.5), e => e["score"] = JsonNode.Parse("1e-20000"))));
        Assert.Equal("score: must be a number between 0 and 1", ErrorOf(With(Quality(agent, 0.5), e => e["score"] = JsonNode.Parse("1." + new string('0', 16_400)))));
        Assert.Equal("duration_ms: must be an integer between 0 and 3600000", ErrorOf(With(TaskCompleted(agent), e => e["duration_ms"] = JsonNode.Parse("0e-20000"))));
        Assert.Null(ErrorOf(With(Quality(agent, 0.5), e => e["score"] = JsonNode.Parse("1e-300"))));
        Assert.Equal("collection_id: must not contain NUL characters", ErrorOf(With(Quality(agent, 0.5), e => e["collection_id"] = "a\0b")));
        Assert.Equal("provider: must not contain NUL characters", ErrorOf(With(ModelPerformance(agent, "m", "analysis", 0.5), e => e["provider"] = "\0")));
        Assert.Equal("quality_observation.evaluated_by: must not contain NUL characters",
            ErrorOf(With(ModelPerformance(agent, "m", "analysis", 0.5), e => e["quality_observation"]!["evaluated_by"] = "judge\0")));
    }

    [Theory]
    [InlineData("agent_id", "nft-1\n")]
    [InlineData("event_id", "6f1c1f0e-8d5a-4b7e-9c3a-2b1d4e5f6a7b\n")]
    [InlineData("task_type", "acme:review\n")]
    public void A_trailing_newline_never_satisfies_a_pattern(string field, string value) =>
        Assert.NotNull(ErrorOf(With(Quality(NewAgent(), 0.5), e => e[field] = value)));

    [Fact]
    public void A_dimension_key_with_a_trailing_newline_is_rejected() =>
        Assert.Equal("dimensions.q\n: key must match ^[a-z][a-z0-9_]{0,31}$", ErrorOf(Quality(NewAgent(), 0.5, dimensions: new JsonObject { ["q\n"] = 0.5 })));

    [Theory]
    [InlineData("code_review", true)]
    [InlineData("unspecified", true)]
    [InlineData("acme:deep_review", true)]
    [InlineData("acme-2:x1", true)]
    [InlineData("Acme:review", false)]
    [InlineData("acme:", false)]
    [InlineData("coding", false)]
    public void Task_types_are_protocol_or_community_forms(string taskType, bool valid)
    {
        var ev = With(Quality(NewAgent(), 0.5), e => e["task_type"] = taskType);
        Assert.Equal(valid, ErrorOf(ev) is null);
    }

    [Fact]
    public void Dimensions_allow_20_keys_of_the_pattern_with_unit_values()
    {
        var twenty = new JsonObject();
        for (var i = 0; i < 20; i++) twenty[$"d{i}"] = 0.5;
        Assert.Null(ErrorOf(Quality(NewAgent(), 0.5, dimensions: twenty)));
        var more = twenty.DeepClone().AsObject();
        more["d20"] = 0.5;
        Assert.Equal("dimensions: must have at most 20 keys", ErrorOf(Quality(NewAgent(), 0.5, dimensions: more)));
        Assert.Equal("dimensions.Bad: key must match ^[a-z][a-z0-9_]{0,31}$", ErrorOf(Quality(NewAgent(), 0.5, dimensions: new JsonObject { ["Bad"] = 0.5 })));
        Assert.Equal("dimensions.ok: must be a number between 0 and 1", ErrorOf(Quality(NewAgent(), 0.5, dimensions: new JsonObject { ["ok"] = 2 })));
    }

    [Fact]
    public void Timestamps_need_the_form_and_a_sane_range()
    {
        var now = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal("timestamp: must be an ISO 8601 date-time with a zone", ErrorOf(With(Quality(NewAgent(), 0.5), e => e["timestamp"] = "2026-11-01 10:00:00Z"), now));
        Assert.Equal("timestamp: must be an ISO 8601 date-time with a zone", ErrorOf(With(Quality(NewAgent(), 0.5), e => e["timestamp"] = "2026-11-01T10:00:00"), now));
        Assert.Equal("timestamp: must not be before 1970-01-01", ErrorOf(With(Quality(NewAgent(), 0.5), e => e["timestamp"] = "1969-12-31T23:59:59Z"), now));
        Assert.Equal("timestamp: must not be more than 24 hours in the future",
            ErrorOf(With(Quality(NewAgent(), 0.5), e => e["timestamp"] = "2026-11-30T01:00:00Z"), now));
        Assert.Null(ErrorOf(With(Quality(NewAgent(), 0.5), e => e["timestamp"] = "2026-11-29T23:00:00.123456789Z"), now));
    }

    [Fact]
    public void Timestamps_are_normalised_to_milliseconds_in_utc()
    {
        var ev = Parse(With(Quality(NewAgent(), 0.5), e => e["timestamp"] = "2026-01-01T10:00:00.98765+02:00"));
        Assert.Equal("2026-01-01T08:00:00.987Z", ev.Timestamp);
    }
}
