using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dixie.Bff.Features.Auth;

public static class AuthRegistration
{
    /// <summary>
    /// Sign-in, tokens and revocation (spec 04 §2–§4). Needs <c>AddRedis</c>; the signing key is
    /// loaded here, once, at startup.
    /// </summary>
    public static IServiceCollection AddAuth(this IServiceCollection services, DixieConfig config)
    {
        services.TryAddSingleton(TimeProvider.System);
        // The allowlist loader registers the same singleton; whichever comes first wins.
        services.TryAddSingleton<CurrentAllowlist>();

        services.AddSingleton(JwtKeys.Create(config.Auth));
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<RevocationStore>();
        services.AddSingleton<RevocationRetryQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<RevocationRetryQueue>());

        services.AddSingleton<RedisNonces>();
        services.AddSingleton<MemoryNonces>();
        services.AddSingleton<NonceStore>();
        services.AddSingleton<SiweRules>();
        services.AddSingleton<SiweSignIn>();

        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Add(AuthJson.Default));
        return services;
    }
}
