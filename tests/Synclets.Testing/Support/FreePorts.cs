using System.Net;
using System.Net.Sockets;

namespace Synclets.Tests.Support;

/// <summary>
/// A loopback port no one listens on, for a server a test starts later (a client started first,
/// offline). It is taken below the ephemeral range: a server another test starts on port 0 at the
/// same moment gets a port from that range, so it can never take this one in between (it did,
/// once, and a client met another test's server).
/// </summary>
public static class FreePorts
{
    private const int First = 20_000;
    private const int Count = 10_000; // Below Linux's default ephemeral range (32768 up) and Windows' (49152 up).

    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = First + Random.Shared.Next(Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }

        throw new InvalidOperationException($"No free loopback port between {First} and {First + Count}.");
    }
}
