using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Admin;

/// <summary>Two instances: one with `DIXIE_ADMIN_KEY` (the test key), one without.</summary>
public sealed class AdminKeyFixture : IAsyncLifetime
{
    public DixieHost Configured { get; private set; } = null!;
    public DixieHost Unconfigured { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configured = DixieHost.StartAsync();
        var unconfigured = DixieHost.StartAsync(new DixieHostOptions { Environment = { ["DIXIE_ADMIN_KEY"] = null } });
        Configured = await configured;
        Unconfigured = await unconfigured;
    }

    public async Task DisposeAsync()
    {
        await Configured.DisposeAsync();
        await Unconfigured.DisposeAsync();
    }
}
