using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Agents;

/// <summary>
/// A token-bound account verified through finn (spec 07 §2.1 gate 3). Addresses in EIP-55 form. There
/// are no `x-agent-*` request headers: this type is the only carrier of the agent's identity.
/// </summary>
public sealed record AgentIdentity(
    [property: JsonPropertyName("tbaAddress")] string TbaAddress,
    [property: JsonPropertyName("nftContract")] string NftContract,
    [property: JsonPropertyName("tokenId")] string TokenId,
    [property: JsonPropertyName("ownerWallet")] string OwnerWallet)
{
    public static AgentIdentity Of(HttpContext context) =>
        context.Features.Get<AgentIdentity>() ?? throw new InvalidOperationException("The agent gate did not run for this route");
}
