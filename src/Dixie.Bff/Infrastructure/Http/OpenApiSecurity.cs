using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>
/// Declares in the OpenAPI document which credential each operation takes (spec 02 §9–§12), so a
/// client generator knows where to send `Authorization`: a JWT or API key on gated routes, the
/// admin key on admin-key routes, nothing on public ones.
/// </summary>
public static class OpenApiSecurity
{
    private const string Bearer = "bearer";
    private const string AdminKey = "adminKey";

    public static Task ApplyAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token from POST /api/auth/siwe, or a listed API key (dxk_…).",
        };
        document.Components.SecuritySchemes[AdminKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The operator's DIXIE_ADMIN_KEY (the Bearer prefix is optional).",
        };

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (SchemeFor(path, method.Method) is { } scheme)
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] }];
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>The credential an operation needs, or null for a public one.</summary>
    internal static string? SchemeFor(string path, string method)
    {
        var adminKeyRoute = Is(path, "/api/admin") || path.StartsWith("/api/admin/", StringComparison.OrdinalIgnoreCase)
            || Is(path, "/api/health/governance")
            || (Is(path, "/api/reputation/population") && method == "GET")
            || (Is(path, "/api/reputation/events") && method == "POST");
        var introspection = Is(path, "/api/auth/verify") || Is(path, "/api/auth/logout");
        var open = !path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/api/health", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/api/auth/", StringComparison.OrdinalIgnoreCase)
            || (Is(path, "/api/reputation/query") && method == "GET");
        return adminKeyRoute ? AdminKey : introspection || !open ? Bearer : null;
    }

    private static bool Is(string path, string expected) => string.Equals(path, expected, StringComparison.OrdinalIgnoreCase);
}
