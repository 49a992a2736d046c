using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>An entry of the file that is skipped, or loaded with a caveat (spec 04 §5.1).</summary>
public sealed record AllowlistEntryWarning(string Member, int Index, string Reason);

/// <summary>
/// The allowlist file as read (spec 04 §5.1). The whole JSON object is kept, so members the service
/// does not interpret (e.g. `policy`) and entries it skips survive a rewrite untouched; changes
/// return a new document.
/// </summary>
public sealed class AllowlistDocument
{
    public const string WalletsMember = "wallets";
    public const string ApiKeysMember = "apiKeys";
    public const string VersionMember = "version";
    public const string UpdatedAtMember = "updated_at";

    private static readonly JsonDocumentOptions ReadOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    // Pretty-printed with a 2-space indent, text kept readable (the file is edited by hand).
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly JsonObject _root;

    private AllowlistDocument(JsonObject root, IReadOnlyList<string> wallets, IReadOnlyList<ApiKeyEntry> apiKeys,
        IReadOnlyList<AllowlistEntryWarning> warnings)
    {
        _root = root;
        Wallets = wallets;
        ApiKeys = apiKeys;
        Warnings = warnings;
    }

    /// <summary>The listed wallets in EIP-55 form, file order, each once.</summary>
    public IReadOnlyList<string> Wallets { get; }

    /// <summary>The usable API key entries, file order.</summary>
    public IReadOnlyList<ApiKeyEntry> ApiKeys { get; }

    public IReadOnlyList<AllowlistEntryWarning> Warnings { get; }

    /// <summary>The format version (default 1); a value that is not an integer reads as 1 and is kept as written.</summary>
    public long Version => _root[VersionMember] is JsonValue v && v.TryGetValue<long>(out var version) ? version : 1;

    public string? UpdatedAt => _root[UpdatedAtMember] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Members the service does not interpret, in file order.</summary>
    public IEnumerable<KeyValuePair<string, JsonNode?>> PreservedMembers =>
        _root.Where(m => m.Key is not (WalletsMember or ApiKeysMember or VersionMember or UpdatedAtMember));

    /// <summary>What a missing file means: nobody is listed.</summary>
    public static AllowlistDocument Empty() =>
        Interpret(new JsonObject { [VersionMember] = 1, [WalletsMember] = new JsonArray(), [ApiKeysMember] = new JsonArray() });

    /// <summary>Reads the file's bytes; false with a reason (never file content) when the file is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out AllowlistDocument document, out string reason)
    {
        document = null!;
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        JsonNode? node;
        try
        {
            // The text check first: JsonNode reads strings lazily, so invalid UTF-8 or a lone surrogate
            // would otherwise surface later, outside this method, as a crash of a reload or a request.
            using (JsonText.Parse(utf8.ToArray(), ReadOptions)) { }
            node = JsonNode.Parse(utf8, documentOptions: ReadOptions);
        }
        catch (JsonException e)
        {
            // The parser's own text may quote the file, which can hold API keys.
            reason = e.LineNumber is { } line ? $"not valid JSON (line {line + 1})" : "not valid JSON";
            return false;
        }
        if (node is not JsonObject root)
        {
            reason = "the document is not a JSON object";
            return false;
        }
        reason = MemberTypeProblem(root, WalletsMember) ?? MemberTypeProblem(root, ApiKeysMember) ?? "";
        if (reason.Length > 0) return false;
        document = Interpret(root);
        return true;
    }

    public bool ContainsWallet(string checksummed) => Wallets.Contains(checksummed, StringComparer.Ordinal);

    public bool ContainsApiKey(byte[] digest) => ApiKeys.Any(entry => entry.SameKeyAs(digest));

    public AllowlistDocument WithWallet(string checksummed) => Edit(WalletsMember, entries => entries.Add(checksummed));

    public AllowlistDocument WithApiKey(ApiKeyEntry stored) => Edit(ApiKeysMember, entries => entries.Add(stored.Stored));

    /// <summary>Without every entry naming this wallet in any case; null when none did.</summary>
    public AllowlistDocument? WithoutWallet(string checksummed) => EditRemoving(WalletsMember, entry =>
        WalletAddress.IsWellFormed(entry) && WalletAddress.ToChecksum(entry!) == checksummed);

    /// <summary>Without every plaintext or hashed entry of the key with this digest; null when none matched.</summary>
    public AllowlistDocument? WithoutApiKey(byte[] digest) => EditRemoving(ApiKeysMember, entry =>
        entry is not null && ApiKeyEntry.FromFile(entry) is { } key && key.SameKeyAs(digest));

    /// <summary>`updated_at` is rewritten on every write (spec 04 §5.1).</summary>
    public AllowlistDocument WithUpdatedAt(DateTimeOffset updatedAt)
    {
        var root = (JsonObject)_root.DeepClone();
        root[UpdatedAtMember] = IsoTime.Format(updatedAt);
        return Interpret(root);
    }

    /// <summary>The file content for this document.</summary>
    public byte[] Serialize() => Encoding.UTF8.GetBytes(_root.ToJsonString(WriteOptions) + "\n");

    /// <summary>
    /// What breaks governance invariant ALW-001 (spec 08 §1.3): a wallet listed twice in any case or
    /// not written in EIP-55 form, a key listed twice (plaintext and hashed entries compared by
    /// digest). Entries are named by member and index only, never by value.
    /// </summary>
    public IReadOnlyList<string> UniquenessProblems()
    {
        var problems = new List<string>();
        var firstWallet = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in Entries(_root, WalletsMember))
        {
            if (WalletAddress.IsWellFormed(item))
            {
                var checksummed = WalletAddress.ToChecksum(item!);
                if (checksummed != item) problems.Add($"wallets[{index}] is not in EIP-55 form");
                if (firstWallet.TryGetValue(checksummed, out var first)) problems.Add($"wallets[{index}] repeats wallets[{first}]");
                else firstWallet[checksummed] = index;
            }
            index++;
        }
        var firstKey = new Dictionary<string, int>(StringComparer.Ordinal);
        index = 0;
        foreach (var item in Entries(_root, ApiKeysMember))
        {
            if (item is not null && ApiKeyEntry.FromFile(item) is { } key)
            {
                if (firstKey.TryGetValue(key.DigestHex, out var first)) problems.Add($"apiKeys[{index}] repeats apiKeys[{first}]");
                else firstKey[key.DigestHex] = index;
            }
            index++;
        }
        return problems;
    }

    public AllowlistSnapshot ToSnapshot(string contentHash) => new(Wallets, ApiKeys.Select(k => k.Digest), contentHash);

    private static string? MemberTypeProblem(JsonObject root, string member) =>
        !root.TryGetPropertyValue(member, out var value) || value is JsonArray ? null : $"{member} is not an array";

    private static AllowlistDocument Interpret(JsonObject root)
    {
        var warnings = new List<AllowlistEntryWarning>();
        var wallets = new List<string>();
        var index = 0;
        foreach (var item in Entries(root, WalletsMember))
        {
            if (!WalletAddress.TryNormalize(item, out var checksummed))
                warnings.Add(new(WalletsMember, index, "not 0x + 40 hex digits with a valid EIP-55 checksum; skipped"));
            else if (!wallets.Contains(checksummed, StringComparer.Ordinal))
                wallets.Add(checksummed);
            index++;
        }
        var apiKeys = new List<ApiKeyEntry>();
        index = 0;
        foreach (var item in Entries(root, ApiKeysMember))
        {
            if (item is null || ApiKeyEntry.FromFile(item) is not { } key)
            {
                warnings.Add(new(ApiKeysMember, index, "neither a dxk_ key nor sha256: + 64 lower-case hex; skipped"));
            }
            else
            {
                if (!key.Hashed && key.Stored.Length < ApiKeyEntry.MinimumKeyLength)
                    warnings.Add(new(ApiKeysMember, index, "key shorter than dxk_ + 24 characters; loaded"));
                apiKeys.Add(key);
            }
            index++;
        }
        return new AllowlistDocument(root, wallets, apiKeys, warnings);
    }

    /// <summary>The array's items as strings; null for an item of another JSON type.</summary>
    private static IEnumerable<string?> Entries(JsonObject root, string member) =>
        root[member] is JsonArray array
            ? array.Select(item => item is JsonValue value && value.TryGetValue<string>(out var text) ? text : null)
            : [];

    private AllowlistDocument Edit(string member, Action<JsonArray> change)
    {
        var root = (JsonObject)_root.DeepClone();
        if (root[member] is not JsonArray array)
        {
            array = [];
            root[member] = array;
        }
        change(array);
        return Interpret(root);
    }

    private AllowlistDocument? EditRemoving(string member, Func<string?, bool> matches)
    {
        var removed = false;
        var edited = Edit(member, array =>
        {
            for (var i = array.Count - 1; i >= 0; i--)
            {
                var text = array[i] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
                if (!matches(text)) continue;
                array.RemoveAt(i);
                removed = true;
            }
        });
        return removed ? edited : null;
    }
}
