using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Features.Fleet;

/// <summary>A validated spawn body with its routing decided (spec 07 §3.4).</summary>
public sealed record SpawnRequest(string Description, string TaskType, string Repository, string AgentType, string Model,
    string RoutingReason, string? BaseBranch, int MaxRetries, int TimeoutMinutes, Dictionary<string, string>? ContextOverrides)
{
    public string? ContextOverridesJson => ContextOverrides is null ? null
        : new JsonObject(ContextOverrides.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))).ToJsonString();
}

/// <summary>The validation table of spec 07 §3.4, checked in order; the first failure is the 400 message.</summary>
public static partial class SpawnValidation
{
    public static readonly string[] TaskTypes = ["bug_fix", "feature", "refactor", "review", "docs"];
    public static readonly string[] AgentTypes = ["claude_code", "codex", "gemini"];

    public static (SpawnRequest? Request, string? Error) Parse(JsonElement body, int defaultTimeoutMinutes)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, "Invalid request body");
        if (!Text(body, "description", out var description) || description.Trim().Length == 0) return (null, "description is required");
        if (description.Length > 10_000) return (null, "description exceeds maximum length of 10000 characters");
        if (description.Contains('\0')) return (null, "description must not contain NUL characters");
        if (!Text(body, "taskType", out var taskType) || !TaskTypes.Contains(taskType)) return (null, "taskType must be one of: bug_fix, feature, refactor, review, docs");
        if (!Text(body, "repository", out var repository) || repository.Trim().Length == 0) return (null, "repository is required");
        if (repository.Length > 512 || repository.Any(char.IsControl)) return (null, "repository must be at most 512 characters without control characters");

        string? agentType = null;
        if (Present(body, "agentType", out var agentValue))
        {
            if (agentValue.ValueKind != JsonValueKind.String || !AgentTypes.Contains(agentValue.GetString())) return (null, "agentType must be one of: claude_code, codex, gemini");
            agentType = agentValue.GetString();
        }
        string? model = null;
        if (Present(body, "model", out var modelValue))
        {
            if (modelValue.ValueKind != JsonValueKind.String) return (null, "model must be a string");
            model = modelValue.GetString()!;
            if (!ModelPattern().IsMatch(model)) return (null, "model contains invalid characters");
        }
        string? baseBranch = null;
        if (Present(body, "baseBranch", out var branchValue))
        {
            baseBranch = branchValue.ValueKind == JsonValueKind.String ? branchValue.GetString() : null;
            if (baseBranch is null || !BranchPattern().IsMatch(baseBranch) || baseBranch.StartsWith('-') || baseBranch.Contains("..", StringComparison.Ordinal))
                return (null, "baseBranch must be a valid branch name");
        }
        if (!OptionalInt(body, "maxRetries", 0, 10, 3, out var maxRetries)) return (null, "maxRetries must be an integer between 0 and 10");
        if (!OptionalInt(body, "timeoutMinutes", 1, 1440, defaultTimeoutMinutes, out var timeout)) return (null, "timeoutMinutes must be an integer between 1 and 1440");
        Dictionary<string, string>? overrides = null;
        if (Present(body, "contextOverrides", out var overridesValue))
        {
            overrides = Overrides(overridesValue);
            if (overrides is null) return (null, "contextOverrides must be an object of at most 20 string entries");
            if (overrides.Values.Any(v => v.Contains('\0'))) return (null, "contextOverrides values must not contain NUL characters");
        }

        var (resolvedModel, resolvedAgent, reason) = FleetRouting.Route(taskType, agentType, model);
        return (new SpawnRequest(description, taskType, repository, resolvedAgent, resolvedModel, reason, baseBranch, maxRetries, timeout, overrides), null);
    }

    private static bool Text(JsonElement body, string name, out string value)
    {
        value = body.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString()! : "";
        return element.ValueKind == JsonValueKind.String;
    }

    // An explicit null counts as absent, as in the existing service's optional fields.
    private static bool Present(JsonElement body, string name, out JsonElement value) =>
        body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static bool OptionalInt(JsonElement body, string name, int min, int max, int fallback, out int value)
    {
        value = fallback;
        if (!Present(body, name, out var element)) return true;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value) && value >= min && value <= max;
    }

    private static Dictionary<string, string>? Overrides(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (result.Count == 20 || !OverrideKeyPattern().IsMatch(property.Name)
                || property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not { Length: <= 4000 } text)
            {
                return null;
            }
            result[property.Name] = text;
        }
        return result;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}\z")]
    private static partial Regex ModelPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._/-]{1,128}\z")]
    private static partial Regex BranchPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}\z")]
    private static partial Regex OverrideKeyPattern();
}

/// <summary>Model and agent-type defaults (spec 07 §3.4 step 2).</summary>
public static class FleetRouting
{
    public static (string Model, string AgentType, string Reason) Route(string taskType, string? agentType, string? model)
    {
        var (resolvedModel, reason) = model is not null ? (model, "explicit_override")
            : agentType is not null ? (agentType switch { "codex" => "codex-mini-latest", "gemini" => "gemini-2.5-pro", _ => "claude-opus-4-6" }, "agent_type_default")
            : (taskType switch
            {
                "refactor" => "codex-mini-latest",
                "review" => "gemini-2.5-pro",
                "docs" => "claude-sonnet-4-5",
                _ => "claude-opus-4-6",
            }, "task_type_default");
        return (resolvedModel, agentType ?? AgentFor(resolvedModel), reason);
    }

    private static string AgentFor(string model)
    {
        var lower = model.ToLowerInvariant();
        if (lower.Contains("claude") || lower.Contains("sonnet") || lower.Contains("opus")) return "claude_code";
        if (lower.Contains("codex")) return "codex";
        return lower.Contains("gemini") ? "gemini" : "claude_code";
    }
}
