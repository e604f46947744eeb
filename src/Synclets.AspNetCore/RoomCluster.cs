using System.Security.Claims;

namespace Synclets.AspNetCore;

/// <summary>
/// Where rooms live when this server is one node of a cluster (Synclets.Orleans registers one):
/// the node keeps its own connections and their sockets, and the room itself (its store, and who
/// is connected where) lives once in the whole cluster.
/// </summary>
internal interface IRoomCluster
{
    /// <summary>Subscribes this node to room <paramref name="name"/>; what the room sends this node's connections comes to <paramref name="room"/>.</summary>
    Task<IRoomUplink> OpenAsync(string name, IClusterRoom room, CancellationToken cancellationToken);
}

/// <summary>A node's link to its room's one home in the cluster: one per node per room, however many connections it holds.</summary>
internal interface IRoomUplink : IAsyncDisposable
{
    /// <summary>True when the room keeps a store (a star: connections talk to it only).</summary>
    bool HasStore { get; }

    /// <summary>A connection of this node joined the room (before any of its packets).</summary>
    void Joined(string connection, ClaimsPrincipal? user, bool readOnly);

    /// <summary>A connection of this node left the room (after all of its packets).</summary>
    void Left(string connection);

    /// <summary>Sends a readdressed packet from a connection of this node to the room: to its store, or to connections elsewhere.</summary>
    void Send(string from, string to, string readdressed);

    /// <summary>Completes when the link can take more packets: the node stops reading its sockets while the room is behind.</summary>
    ValueTask WhenReadyAsync(CancellationToken cancellationToken);

    /// <summary>The room's store as its data and meta trees (JSON) and its depth, for the live page; null for a relay-only room.</summary>
    Task<RoomTree?> GetTreeAsync(CancellationToken cancellationToken);
}

/// <summary>A stored room's trees, as JSON text: what the live page shows of a room that lives elsewhere in the cluster.</summary>
/// <param name="Depth">The store's depth.</param>
/// <param name="Data">Its data tree.</param>
/// <param name="Meta">Its meta tree (a timestamp per atom).</param>
internal sealed record RoomTree(int Depth, string Data, string Meta);

/// <summary>The node's side of a clustered room: where the room's packets arrive, and what to do when the room is lost.</summary>
internal interface IClusterRoom
{
    /// <summary>Delivers a readdressed packet from the room to this node's connections: to <c>*</c> all of them but <paramref name="except"/>, else the one named.</summary>
    void Deliver(string from, string to, string? except, string readdressed);

    /// <summary>Completes when connection <paramref name="connection"/> can take more packets sent to it alone.</summary>
    ValueTask WhenReadyForAsync(string connection, CancellationToken cancellationToken);

    /// <summary>
    /// The room's home was lost or started again (its node died, or it dropped this node as too
    /// slow): this node's connections in the room are closed, so their clients reconnect and resync.
    /// </summary>
    void Lost(string reason);
}
