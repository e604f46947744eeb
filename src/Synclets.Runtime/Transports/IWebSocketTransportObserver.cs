using System.Net.WebSockets;

namespace Synclets.Transports;

/// <summary>
/// Watches a <see cref="WebSocketTransport"/>'s packets on their way, for a process that runs a
/// server and its clients together (a test, a demo, a benchmark) and must know when nothing is
/// left on the wire. Production code leaves <see cref="WebSocketTransportOptions.Observer"/> unset;
/// <c>Synclets.AspNetCore.InProcessWire</c> is the implementation that pairs with a server.
/// </summary>
public interface IWebSocketTransportObserver
{
    /// <summary>
    /// A connection attempt is starting: returns the observer of that one connection, after
    /// naming it to the server where it must be (a request header on <paramref name="socketOptions"/>).
    /// </summary>
    IWebSocketConnectionObserver Connecting(ClientWebSocketOptions socketOptions);

    /// <summary>A packet was queued to send.</summary>
    void PacketQueued();

    /// <summary>A queued packet will never be sent: the connection dropped or the transport stopped (the resync repairs it).</summary>
    void PacketDropped();
}

/// <summary>Watches one connection of a <see cref="WebSocketTransport"/> (see <see cref="IWebSocketTransportObserver"/>).</summary>
public interface IWebSocketConnectionObserver
{
    /// <summary>A packet was received and handed to the synclet, which counts it as its own work from now on.</summary>
    void PacketReceived();

    /// <summary>The connection ended: whatever the server wrote to it and it did not receive will never arrive.</summary>
    void Closed();
}
