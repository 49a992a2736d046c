using System.Net.Sockets;
using Dixie.FinnEmulator.Hosting;
using Microsoft.AspNetCore.Connections;

namespace Dixie.FinnEmulator;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["healthcheck"])
        {
            return await EmulatorHealthcheck.RunAsync(Environment.GetEnvironmentVariable, Console.Out, Console.Error);
        }
        var parsed = EmulatorArguments.Parse(args, Environment.GetEnvironmentVariable);
        if (parsed.HelpRequested)
        {
            Console.Out.WriteLine(EmulatorArguments.Usage);
            return 0;
        }
        if (parsed.Problems.Count > 0)
        {
            foreach (var problem in parsed.Problems)
            {
                Console.Error.WriteLine($"finn-emulator: {problem}");
            }
            return 2;
        }

        var options = parsed.Options;
        await using var app = FinnEmulatorApp.Build(options);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e) when (e.InnerException is AddressInUseException
            || e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
        {
            Console.Error.WriteLine($"finn-emulator: port {options.Port} on {options.Bind} is already in use");
            return 1;
        }
        var port = new Uri(FinnEmulatorApp.BaseUrl(app)).Port;
        var host = options.Bind.Contains(':', StringComparison.Ordinal) ? $"[{options.Bind}]" : options.Bind;
        Console.Out.WriteLine($"finn-emulator listening on http://{host}:{port}");
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
        return 0;
    }
}
