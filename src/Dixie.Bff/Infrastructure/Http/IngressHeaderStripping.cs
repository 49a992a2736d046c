namespace Dixie.Bff.Infrastructure.Http;

/// <summary>
/// Stage 7 (spec 02 §9.1, D3): identity never comes from request headers, so the headers the old
/// service trusted are removed before any other code can read them.
/// </summary>
public sealed class IngressHeaderStripping(RequestDelegate next)
{
    private static readonly string[] ExactNames = ["x-wallet-address", "x-model-pool", "x-fleet-admin"];
    private static readonly string[] Prefixes = ["x-conviction-", "x-memory-", "x-agent-", "x-operator-"];

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        List<string>? doomed = null;
        foreach (var name in headers.Keys)
        {
            if (IsIdentityHeader(name)) (doomed ??= []).Add(name);
        }
        if (doomed is not null)
        {
            foreach (var name in doomed) headers.Remove(name);
        }
        return next(context);
    }

    internal static bool IsIdentityHeader(string name)
    {
        foreach (var exact in ExactNames)
            if (name.Equals(exact, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var prefix in Prefixes)
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
