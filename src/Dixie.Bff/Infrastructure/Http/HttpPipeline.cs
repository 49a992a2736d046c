using System.Net;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Startup;
using Microsoft.AspNetCore.HttpOverrides;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>The cross-cutting stages of spec 02 §1, registered and applied in the table's order.</summary>
public static class HttpPipeline
{
    public const string CorsPolicy = "dixie-cors";

    public static WebApplicationBuilder AddHttpPipeline(this WebApplicationBuilder builder, DixieConfig config)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = BodySizeLimitMiddleware.DefaultLimit;
        });
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = null;
            // The framework trusts loopback by default; only DIXIE_TRUSTED_PROXIES may forward.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in config.Http.TrustedProxies) options.KnownIPNetworks.Add(network);
        });
        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins([.. config.Http.CorsOrigins])
            .AllowCredentials()
            .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
            .WithHeaders("Content-Type", "Authorization", "X-Request-Id", "traceparent", "tracestate",
                "x-tba-address", "x-tba-signature", "x-tba-timestamp")
            .WithExposedHeaders("X-Request-Id", "X-Response-Time", "x-trace-id", "Retry-After", "X-RateLimit-Limit",
                "X-RateLimit-Remaining", "RateLimit-Policy", "RateLimit", "X-Conviction-Tier", "X-Session-Id")
            .SetPreflightMaxAge(TimeSpan.FromSeconds(3600))));
        // Binding failures become exceptions so stage 6 can give them the one error shape.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, DixieJson.Default);
            options.SerializerOptions.AllowTrailingCommas = false;
            options.SerializerOptions.ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow;
            options.SerializerOptions.MaxDepth = 32;
        });
        return builder;
    }

    /// <summary>Stages 1–10; routing and the endpoint stages follow in <c>DixieApp</c>.</summary>
    public static WebApplication UseHttpPipeline(this WebApplication app)
    {
        app.Use(NormaliseMappedAddress);
        // Empty KnownProxies and KnownIPNetworks make the framework trust every peer; without a trusted
        // proxy spec 02 §2 ignores the headers, so the stage is left out.
        if (app.Services.GetRequiredService<DixieConfig>().Http.TrustedProxies.Count > 0) app.UseForwardedHeaders();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<TraceHeadersMiddleware>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseMiddleware<ErrorTranslationMiddleware>();
        app.UseMiddleware<IngressHeaderStripping>();
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseCors(CorsPolicy));
        app.UseMiddleware<BodySizeLimitMiddleware>();
        app.UseMiddleware<StartupGateMiddleware>();
        return app;
    }

    /// <summary>`::ffff:a.b.c.d` is treated as the IPv4 address it carries (spec 02 §2).</summary>
    private static Task NormaliseMappedAddress(HttpContext context, RequestDelegate next)
    {
        if (context.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped)
            context.Connection.RemoteIpAddress = mapped.MapToIPv4();
        return next(context);
    }

    public static IPAddress? ClientIp(this HttpContext context) => context.Connection.RemoteIpAddress;
}
