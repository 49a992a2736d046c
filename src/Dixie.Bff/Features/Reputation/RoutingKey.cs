using System.Text.RegularExpressions;

namespace Dixie.Bff.Features.Reputation;

/// <summary>The `routingKey` of `/query` (spec 06 §8.1): `nft:&lt;id&gt;`, at most 132 characters.</summary>
public static partial class RoutingKey
{
    public const int MaxLength = 132;

    [GeneratedRegex("^nft:[A-Za-z0-9_-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();

    /// <summary>The id after `nft:`, or null for a missing, empty or malformed key.</summary>
    public static string? NftIdOf(string? key) =>
        key is { Length: > 0 and <= MaxLength } && Grammar().IsMatch(key) ? key[4..] : null;
}
