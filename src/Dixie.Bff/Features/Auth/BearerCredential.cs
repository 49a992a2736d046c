namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The `Authorization: Bearer &lt;credential&gt;` form of spec 04 §1.2: scheme in any case, one space,
/// a credential of 1–4096 characters. Anything else is not a bearer credential.
/// </summary>
public static class BearerCredential
{
    public const int MaxLength = 4096;
    private const string Scheme = "Bearer ";

    public static bool TryRead(HttpRequest request, out string credential)
    {
        credential = "";
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } value || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var rest = value[Scheme.Length..];
        if (rest.Length is 0 or > MaxLength || char.IsWhiteSpace(rest[0])) return false;
        credential = rest;
        return true;
    }
}
