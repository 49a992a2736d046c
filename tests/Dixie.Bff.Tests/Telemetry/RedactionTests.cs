using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Tests.Telemetry;

/// <summary>What logs and spans never carry (spec 04 §6, spec 10 §5.3): wallets and API keys, legacy ones included.</summary>
public sealed class RedactionTests
{
    [Theory]
    [InlineData("DELETE /api/admin/allowlist/dxk_0123456789abcdefghijklmn", "DELETE /api/admin/allowlist/dxk_[REDACTED]")]
    [InlineData("/api/admin/allowlist/dxk_0123456789abcdefghijk", "/api/admin/allowlist/dxk_[REDACTED]")]
    [InlineData("/api/admin/allowlist/dxk_legacy.key+2023?x=1", "/api/admin/allowlist/dxk_[REDACTED]?x=1")]
    [InlineData("key dxk_0123456789abcdefghijklmnop used", "key dxk_[REDACTED] used")]
    [InlineData("api key id dxk_abcdefgh", "api key id dxk_abcdefgh")]
    [InlineData("wallet 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "wallet 0x[REDACTED]")]
    public void Keys_and_wallets_are_redacted_and_key_ids_kept(string text, string redacted) => Assert.Equal(redacted, Redaction.Redact(text));
}
