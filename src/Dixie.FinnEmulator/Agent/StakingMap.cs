using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Dixie.FinnEmulator.Agent;

/// <summary>
/// Wallet → staked BGT (spec 11 §6.2): the <c>--staking</c> file, overridden at run time through
/// <c>POST /_emulator/staking</c>. Values keep the JSON token they were given (number or numeric
/// string), because conviction tests check both spellings.
/// </summary>
public sealed class StakingMap
{
    private readonly IReadOnlyDictionary<string, string> _file;

    // null value = removed by an override, which hides a file entry until reset.
    private readonly ConcurrentDictionary<string, string?> _overrides = new(StringComparer.OrdinalIgnoreCase);

    public StakingMap(string? file)
    {
        if (file is null)
        {
            _file = new Dictionary<string, string>();
        }
        else
        {
            _file = TryLoadFile(file, out var map, out var problem) ? map : throw new InvalidOperationException(problem);
        }
    }

    /// <summary>The raw JSON value (a number or a quoted numeric string), or null when not staked.</summary>
    public string? Find(string wallet) =>
        _overrides.TryGetValue(wallet, out var overridden) ? overridden
        : _file.TryGetValue(wallet, out var value) ? value
        : null;

    public void Set(string wallet, string? rawValue) => _overrides[wallet] = rawValue;

    public void ResetOverrides() => _overrides.Clear();

    /// <summary>Turns a JSON number or numeric string into the raw JSON text kept in the map.</summary>
    public static bool TryRawValue(JsonElement value, out string raw)
    {
        raw = value.GetRawText();
        return value.ValueKind switch
        {
            JsonValueKind.Number => true,
            JsonValueKind.String => decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            _ => false,
        };
    }

    public static bool TryLoadFile(string path, out IReadOnlyDictionary<string, string> map, out string problem)
    {
        map = new Dictionary<string, string>();
        problem = "";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException)
        {
            problem = $"cannot read staking file {path}: {e.Message}";
            return false;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = $"staking file {path} is not a JSON object";
                return false;
            }
            var entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!Wallets.IsAddress(property.Name) || !TryRawValue(property.Value, out var raw))
                {
                    problem = $"staking file {path}: entry '{property.Name}' needs a 0x+40 hex key and a number or numeric string";
                    return false;
                }
                entries[property.Name] = raw;
            }
            map = entries;
            return true;
        }
    }
}
