namespace Synclets.Orleans;

/// <summary>
/// A room of the cluster, keyed by its name: one activation in the whole cluster holds its store
/// (or, relay-only, just who is connected where) and hears every node that holds its connections.
/// </summary>
[Alias("synclets.IRoomGrain")]
internal interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>Subscribes node <paramref name="node"/>: what the room sends its connections goes to <paramref name="observer"/>.</summary>
    [Alias("Attach")]
    Task<RoomReceipt> AttachAsync(string node, IRoomNode observer);

    /// <summary>Takes a node's batch, in order; returns once the room's store can take more (flow control).</summary>
    [Alias("Send")]
    Task<RoomReceipt> SendAsync(string node, RoomBatch<RoomUp> batch);

    /// <summary>A node's heartbeat: it is alive and still holds connections of the room.</summary>
    [Alias("Ping")]
    Task<RoomReceipt> PingAsync(string node);

    /// <summary>Unsubscribes a node whose last connection of the room left; the room deactivates once no node is left.</summary>
    [Alias("Detach")]
    Task DetachAsync(string node);

    /// <summary>The store's data and meta trees as JSON, with its depth; null for a relay-only room (the live page).</summary>
    [Alias("Tree")]
    Task<RoomTreeText?> GetTreeAsync();

    /// <summary>Where the room is active now, and how many node links it holds (for diagnostics and tests).</summary>
    [Alias("Describe")]
    Task<RoomPlace> DescribeAsync();
}

/// <summary>A node's subscription to one room: one per node per room, however many connections it holds there.</summary>
[Alias("synclets.IRoomNode")]
internal interface IRoomNode : IGrainObserver
{
    /// <summary>Delivers packets, in order, to the node's connections; returns when a packet to one connection can be followed by more.</summary>
    [Alias("Deliver")]
    Task DeliverAsync(RoomBatch<RoomDown> batch);
}

/// <summary>A stored room's trees, as JSON text.</summary>
[GenerateSerializer, Immutable, Alias("synclets.RoomTreeText")]
internal sealed record RoomTreeText([property: Id(0)] int Depth, [property: Id(1)] string Data, [property: Id(2)] string Meta);

/// <summary>Where a room is active: its silo's address, and the node links it holds.</summary>
[GenerateSerializer, Immutable, Alias("synclets.RoomPlace")]
internal readonly record struct RoomPlace(
    [property: Id(0)] string Silo,
    [property: Id(1)] int SiloPort,
    [property: Id(2)] int Links,
    [property: Id(3)] int Connections);
