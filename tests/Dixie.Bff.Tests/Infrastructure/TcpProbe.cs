using System.Net.Sockets;
using System.Text;

namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>Readiness checks that speak just enough of a server's protocol to know it answers.</summary>
internal static class TcpProbe
{
    /// <summary>Connects, optionally sends <paramref name="request"/>, and checks that the reply starts with <paramref name="expectedReply"/>.</summary>
    public static async Task<bool> RepliesAsync(int port, string? request, string expectedReply, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            if (request is not null)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
            }
            var buffer = new byte[expectedReply.Length];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (n == 0)
                {
                    return false;
                }
                read += n;
            }
            return Encoding.ASCII.GetString(buffer) == expectedReply;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
