using System.Security.Cryptography;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>The JWT signing key rules of spec 01 §4. Problems state lengths, never key material.</summary>
internal static class JwtKeyValidator
{
    public const string KeyVariable = "DIXIE_JWT_PRIVATE_KEY";
    public const string AlgVariable = "DIXIE_JWT_ALG";
    public const int MinHmacLength = 32;
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string GenerateHmac = "generate one with: openssl rand -hex 32";
    private const string GenerateEc = "generate one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem";

    private static readonly Dictionary<string, JwtAlgorithm> Algorithms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HS256"] = JwtAlgorithm.HS256, ["ES256"] = JwtAlgorithm.ES256,
    };

    public sealed record Result(string Key, JwtAlgorithm Algorithm, bool AlgorithmDerived);

    public static Result? Validate(EnvReader reader)
    {
        var configured = reader.Enum(AlgVariable, Algorithms);
        var algInvalid = configured is null && reader.IsSet(AlgVariable);
        var raw = reader.Secret(KeyVariable);
        if (raw is null)
        {
            reader.Problem(KeyVariable, $"required; set an HS256 secret of at least {MinHmacLength} characters ({GenerateHmac}) or a PKCS#8 P-256 PEM key for ES256");
            return null;
        }
        var key = Unescape(raw);
        var looksLikePem = key.Contains("-----BEGIN", StringComparison.Ordinal);
        var algorithm = configured
            ?? (looksLikePem && key.Contains("PRIVATE KEY-----", StringComparison.Ordinal) ? JwtAlgorithm.ES256 : JwtAlgorithm.HS256);
        // An invalid DIXIE_JWT_ALG is reported by the reader; the key is still checked (against the
        // algorithm its shape implies), so every problem shows in one run (spec 01 §6).
        var valid = algorithm == JwtAlgorithm.HS256
            ? ValidateHmac(key, looksLikePem, configured is not null, reader)
            : ValidateEc(key, reader);
        return valid && !algInvalid ? new Result(key, algorithm, configured is null) : null;
    }

    /// <summary>Lets a PEM live on one env-file line: `\n` escapes become line feeds when there is no real one.</summary>
    public static string Unescape(string value) =>
        !value.Contains('\n', StringComparison.Ordinal) && value.Contains("\\n", StringComparison.Ordinal)
            ? value.Replace("\\n", "\n", StringComparison.Ordinal)
            : value;

    private static bool ValidateHmac(string key, bool looksLikePem, bool algorithmConfigured, EnvReader reader)
    {
        if (looksLikePem && !algorithmConfigured)
        {
            reader.Problem(KeyVariable, $"is PEM text but not a private key (BEGIN PRIVATE KEY); ES256 needs a PKCS#8 P-256 private key ({GenerateEc}), HS256 a secret ({GenerateHmac})");
            return false;
        }
        if (looksLikePem)
        {
            reader.Problem(KeyVariable, "is a PEM key but DIXIE_JWT_ALG=HS256; a private key must not be used as an HMAC secret. Set DIXIE_JWT_ALG=ES256 for a P-256 key, or use an HS256 secret (" + GenerateHmac + ")");
            return false;
        }
        if (key.Length < MinHmacLength)
        {
            reader.Problem(KeyVariable, $"HS256 key must be at least {MinHmacLength} characters (has {key.Length}); {GenerateHmac}");
            return false;
        }
        return true;
    }

    private static bool ValidateEc(string key, EnvReader reader)
    {
        if (key.Contains("-----BEGIN EC PRIVATE KEY-----", StringComparison.Ordinal))
        {
            reader.Problem(KeyVariable, "is a SEC1 key (BEGIN EC PRIVATE KEY); ES256 needs PKCS#8. Convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
            return false;
        }
        if (key.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            reader.Problem(KeyVariable, "is an encrypted PKCS#8 key; the service needs it unencrypted. Decrypt it with: openssl pkey -in encrypted.pem -out key.pem");
            return false;
        }
        var blocks = CountOf(key, "-----BEGIN ");
        var pkcs8Blocks = CountOf(key, "-----BEGIN PRIVATE KEY-----");
        if (pkcs8Blocks == 0)
        {
            reader.Problem(KeyVariable, $"DIXIE_JWT_ALG=ES256 needs an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); {GenerateEc}");
            return false;
        }
        if (blocks != 1)
        {
            reader.Problem(KeyVariable, $"must contain exactly one PEM block (has {blocks}); keep only the BEGIN PRIVATE KEY block");
            return false;
        }
        return ImportsAsP256(key, reader);
    }

    private static bool ImportsAsP256(string key, EnvReader reader)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(key);
            var curve = ecdsa.ExportParameters(includePrivateParameters: false).Curve;
            if (curve.Oid?.Value == P256Oid || curve.Oid?.FriendlyName is "nistP256" or "ECDSA_P256")
            {
                return true;
            }
            reader.Problem(KeyVariable, $"is an EC key on another curve ({ecdsa.KeySize} bits); ES256 needs P-256. {GenerateEc}");
            return false;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            reader.Problem(KeyVariable, $"is not an EC private key (RSA or damaged PEM?); ES256 needs a PKCS#8 P-256 key. {GenerateEc}");
            return false;
        }
    }

    private static int CountOf(string text, string marker)
    {
        var count = 0;
        for (var index = text.IndexOf(marker, StringComparison.Ordinal); index >= 0; index = text.IndexOf(marker, index + marker.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
