using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Admin;

/// <summary>Two instances: one with `DIXIE_ADMIN_KEY` (the test key), one without.</summary>
public sealed class AdminKeyFixture : IAsyncLifetime
{
    public DixieHost Configured { get; private set; } = null!;
    public DixieHost Unconfigured { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The matrix sends far more than the default 100 requests a minute from one address, and
        // missing or wrong keys spend that budget (spec 02 §10.1); the limiter has its own tests.
        var configured = DixieHost.StartAsync(new DixieHostOptions { Environment = { ["DIXIE_RATE_LIMIT_RPM"] = "1000000" } });
        var unconfigured = DixieHost.StartAsync(new DixieHostOptions
        {
            Environment = { ["DIXIE_ADMIN_KEY"] = null, ["DIXIE_RATE_LIMIT_RPM"] = "1000000" },
        });
        Configured = await configured;
        Unconfigured = await unconfigured;
    }

    public async Task DisposeAsync()
    {
        await Configured.DisposeAsync();
        await Unconfigured.DisposeAsync();
    }
}
