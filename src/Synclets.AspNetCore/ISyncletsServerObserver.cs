using Microsoft.AspNetCore.Http;

namespace Synclets.AspNetCore;

/// <summary>
/// Watches the server's packets on their way, for a process that runs the server and its clients
/// together (a test, a demo, a benchmark) and must know when nothing is left on the wire.
/// Production code leaves <see cref="SyncletsServerOptions.Observer"/> unset; <see cref="InProcessWire"/>
/// is the implementation that pairs with the clients' transports.
/// </summary>
public interface ISyncletsServerObserver
{
    /// <summary>
    /// A room is opening: the counter its packets in flight are counted on, so that they are seen
    /// together with the clients' (null: a counter of the room's own).
    /// </summary>
    ActivityCounter? RoomOpening(string room);

    /// <summary>
    /// A client connected: the observer of its connection, or null when the client is not one
    /// this observer watches (a client in another process, say).
    /// </summary>
    IServerConnectionObserver? Connected(HttpContext context);
}

/// <summary>Watches one client's connection to the server (see <see cref="ISyncletsServerObserver"/>).</summary>
public interface IServerConnectionObserver
{
    /// <summary>A packet the client sent was routed to its room, or dropped.</summary>
    void PacketRouted();

    /// <summary>
    /// The server is about to write a packet to the client: from now on the observer, not the
    /// room, accounts for it, until the client receives it or the connection closes.
    /// </summary>
    void PacketWriting();

    /// <summary>The write announced by <see cref="PacketWriting"/> failed: the packet will never arrive.</summary>
    void PacketNotWritten();

    /// <summary>The connection ended.</summary>
    void Closed();
}
