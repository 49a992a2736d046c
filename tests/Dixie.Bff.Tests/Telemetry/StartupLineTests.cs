using Dixie.Bff.Features.Governance.Mutations;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Telemetry;

public sealed class StartupLineTests
{
    [Fact]
    public async Task Startup_line_names_the_instance_session_that_mutation_rows_carry()
    {
        await using var host = await DixieHost.StartAsync();
        var starting = await host.Logs.WaitForAsync("service_starting");
        Assert.Equal(host.Get<InstanceSession>().Id.ToString(), starting.String("session_id"));
        Assert.Equal(host.Get<Dixie.Bff.Infrastructure.Configuration.DixieConfig>().Http.Port, starting.Int("port"));
    }
}
