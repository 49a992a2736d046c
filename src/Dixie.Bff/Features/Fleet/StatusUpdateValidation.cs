using System.Text;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Postgres;

namespace Dixie.Bff.Features.Fleet;

/// <summary>The body rules of `POST /api/fleet/tasks/{id}/status` (spec 07 §3.11).</summary>
public static class StatusUpdateValidation
{
    private static readonly string[] Statuses = [FleetStatus.PrCreated, FleetStatus.Reviewing, FleetStatus.Ready, FleetStatus.Merged, FleetStatus.Rejected];

    public static (StatusUpdate? Update, string? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, "Invalid request body");
        if (!body.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String || !Statuses.Contains(status.GetString()))
            return (null, "status must be one of: pr_created, reviewing, ready, merged, rejected");
        int? prNumber = null;
        if (Present(body, "prNumber", out var pr))
        {
            if (pr.ValueKind != JsonValueKind.Number || !pr.TryGetInt32(out var number) || number < 1) return (null, "prNumber must be a positive integer");
            prNumber = number;
        }
        string? ciStatus = null;
        if (Present(body, "ciStatus", out var ci))
        {
            if (ci.ValueKind != JsonValueKind.String || ci.GetString() is not { Length: >= 1 and <= 64 } text) return (null, "ciStatus must be a string of at most 64 characters");
            if (text.Contains('\0')) return (null, "ciStatus must not contain NUL characters");
            ciStatus = text;
        }
        string? review = null;
        if (Present(body, "reviewStatus", out var reviewValue))
        {
            review = reviewValue.GetRawText();
            if (reviewValue.ValueKind != JsonValueKind.Object || Encoding.UTF8.GetByteCount(review) > 8192)
                return (null, "reviewStatus must be a JSON object of at most 8192 bytes");
            if (!JsonbValue.CanStore(reviewValue))
                return (null, "reviewStatus must not contain NUL characters or numbers beyond PostgreSQL's numeric range");
        }
        int? expected = null;
        if (Present(body, "expectedVersion", out var version))
        {
            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var value) || value < 0) return (null, "expectedVersion must be a non-negative integer");
            expected = value;
        }
        return (new StatusUpdate(status.GetString()!, prNumber, ciStatus, review, expected), null);
    }

    private static bool Present(JsonElement body, string name, out JsonElement value) =>
        body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
}
