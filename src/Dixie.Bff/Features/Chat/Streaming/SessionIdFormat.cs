using System.Text.RegularExpressions;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>`SID` of spec 05: the only session ids dixie stores, forwards or puts in a path.</summary>
public static partial class SessionIdFormat
{
    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,128}\z")]
    private static partial Regex Pattern();

    public static bool IsValid(string? sessionId) => sessionId is not null && Pattern().IsMatch(sessionId);
}
