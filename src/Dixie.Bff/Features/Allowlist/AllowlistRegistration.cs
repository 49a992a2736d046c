using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dixie.Bff.Features.Allowlist;

public static class AllowlistRegistration
{
    /// <summary>
    /// Reads the allowlist file (spec 04 §5.2) and registers the in-memory list, its reloader and the
    /// admin writer. Reading here, before the host is built, lets the binary refuse to start on a
    /// malformed file before anything else runs.
    /// </summary>
    /// <exception cref="InvalidAllowlistFileException">The file exists but is malformed or unreadable.</exception>
    public static IServiceCollection AddAllowlist(this IServiceCollection services, DixieConfig config)
    {
        services.AddSingleton(AllowlistStartupRead.FromFile(config.Access.AllowlistPath));
        services.TryAddSingleton<CurrentAllowlist>();
        services.AddSingleton(new AllowlistOptions());
        services.AddSingleton<AllowlistReloadSignal>();
        services.AddSingleton<AllowlistReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<AllowlistReloader>());
        services.AddSingleton<AllowlistStore>();
        return services;
    }
}
