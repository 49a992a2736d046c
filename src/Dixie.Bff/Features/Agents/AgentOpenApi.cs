using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dixie.Bff.Features.Agents;

/// <summary>Documents the three signed headers every agent operation needs (spec 07 §2.2).</summary>
internal static class AgentOpenApi
{
    private static readonly (string Name, string Description)[] Headers =
    [
        ("x-tba-address", "The token-bound account, 0x + 40 hex"),
        ("x-tba-timestamp", "Unix seconds, within 300 s of the server clock"),
        ("x-tba-signature", "personal_sign by the TBA owner of `dixie-agent-auth:<x-tba-address>:<x-tba-timestamp>`"),
    ];

    public static Task AddTbaHeadersAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        foreach (var (name, description) in Headers)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Required = true,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        return Task.CompletedTask;
    }
}
