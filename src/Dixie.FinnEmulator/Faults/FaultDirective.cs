using System.Globalization;

namespace Dixie.FinnEmulator.Faults;

/// <summary>
/// A parsed fault directive (spec 11 §7.1): <c>item *( ";" item )</c> with at most one of
/// <c>status</c>, <c>nonjson</c>, <c>close</c>.
/// </summary>
public sealed record FaultDirective
{
    public const int MaxDelayMs = 600_000;
    public const string DefaultCode = "EMULATED_FAULT";
    public const string TextMarker = "[[fault:";

    public int DelayMs { get; init; }
    public int? Status { get; init; }
    public string? Code { get; init; }
    public bool NonJson { get; init; }
    public bool Close { get; init; }
    public bool WsDrop { get; init; }
    public bool WsError { get; init; }
    public int FrameDelayMs { get; init; }

    public static bool TryParse(string text, out FaultDirective directive)
    {
        directive = new FaultDirective();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = 0;
        foreach (var rawItem in text.Split(';'))
        {
            var item = rawItem.Trim();
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? item : item[..equals].Trim();
            var value = equals < 0 ? null : item[(equals + 1)..].Trim();
            if (!seen.Add(name))
            {
                return false;
            }
            switch (name)
            {
                case "delay" when TryMilliseconds(value, out var ms):
                    directive = directive with { DelayMs = ms };
                    break;
                case "frame-delay" when TryMilliseconds(value, out var ms):
                    directive = directive with { FrameDelayMs = ms };
                    break;
                case "status" when TryStatus(value, out var status):
                    directive = directive with { Status = status };
                    outcomes++;
                    break;
                case "code" when IsCode(value):
                    directive = directive with { Code = value };
                    break;
                case "nonjson" when value is null:
                    directive = directive with { NonJson = true };
                    outcomes++;
                    break;
                case "close" when value is null:
                    directive = directive with { Close = true };
                    outcomes++;
                    break;
                case "ws-drop" when value is null:
                    directive = directive with { WsDrop = true };
                    break;
                case "ws-error" when value is null:
                    directive = directive with { WsError = true };
                    break;
                default:
                    return false;
            }
        }
        return outcomes <= 1 && (directive.Code is null || directive.Status is not null);
    }

    /// <summary>
    /// The first <c>[[fault:…]]</c> inside text received from a client; the marker stays part of the
    /// echoed text. Returns false when there is none; <paramref name="valid"/> tells a broken one apart.
    /// </summary>
    public static bool TryFindInText(string text, out FaultDirective directive, out bool valid)
    {
        directive = new FaultDirective();
        valid = true;
        var start = text.IndexOf(TextMarker, StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }
        var bodyStart = start + TextMarker.Length;
        var end = text.IndexOf("]]", bodyStart, StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }
        valid = TryParse(text[bodyStart..end], out directive);
        return true;
    }

    private static bool TryMilliseconds(string? value, out int ms) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ms) && ms <= MaxDelayMs;

    private static bool TryStatus(string? value, out int status) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out status) && status is >= 100 and <= 599;

    public static bool IsCode(string? value) =>
        value is { Length: >= 1 and <= 64 } && value.AsSpan().ContainsAnyExcept(CodeCharacters) is false;

    private static readonly System.Buffers.SearchValues<char> CodeCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
}
