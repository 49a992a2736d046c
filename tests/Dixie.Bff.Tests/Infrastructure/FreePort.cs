using System.Net;
using System.Net.Sockets;

namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>Ephemeral loopback ports for servers the tests start.</summary>
public static class FreePort
{
    /// <summary>
    /// A port the kernel just handed out on 127.0.0.1. Another process could take it before the
    /// server binds it, so the servers retry with a new port when the first bind fails.
    /// </summary>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
