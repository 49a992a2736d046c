namespace Dixie.Bff.Infrastructure.Nats;

internal static class NatsUrls
{
    /// <summary>The server URL as it may be logged: user, password or token removed (spec 10 §7).</summary>
    public static string WithoutCredentials(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            // Never echo something that could not be parsed: it may hold a secret.
            return "(unparsable url)";
        }

        return uri.UserInfo.Length == 0 ? uri.GetLeftPart(UriPartial.Authority)
            : new UriBuilder(uri) { UserName = "", Password = "" }.Uri.GetLeftPart(UriPartial.Authority);
    }
}
