using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore;

/// <summary>The storage of a room that keeps a store of its own: its connectors, and what to dispose when the room is released.</summary>
/// <param name="Data">The data connector.</param>
/// <param name="Meta">The meta connector.</param>
/// <param name="Owner">Disposed when the room is released (a SQLite store, say); null when there is nothing to dispose.</param>
public sealed record RoomStorage(IDataConnector Data, IMetaConnector Meta, IAsyncDisposable? Owner = null);

/// <summary>How the Synclets server behaves: limits, timeouts, and which rooms keep a store.</summary>
public sealed class SyncletsServerOptions
{
    /// <summary>
    /// Chooses the storage of a room (by name) that keeps a store of its own, which then takes part as
    /// a peer under the reserved id <see cref="Ids.ServerId"/>. Return null, or leave this null, for a
    /// relay-only room.
    /// </summary>
    public Func<string, IServiceProvider, CancellationToken, ValueTask<RoomStorage?>>? StoreFactory { get; set; }

    /// <summary>The longest packet a connection may send, in UTF-16 code units; a longer one closes it (1009).</summary>
    public int MaxPacketLength { get; set; } = 64 * 1024;

    /// <summary>How many packets may wait to be written to one slow connection before it is dropped, so it never slows the others.</summary>
    public int MaxQueuedPacketsPerConnection { get; set; } = 10_000;

    /// <summary>
    /// How many bytes of packets (two a UTF-16 unit) may wait to be written to one connection
    /// before it is dropped: a client that never reads holds at most this much server memory.
    /// </summary>
    /// <remarks>
    /// A reply to one connection (the initial sync of a large room) waits while its queue is over
    /// half this size, so it goes at the pace the client reads; a connection that does not drain
    /// for <see cref="SlowConnectionTimeout"/> is dropped.
    /// </remarks>
    public long MaxQueuedBytesPerConnection { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long a reply may wait for a connection's queue to drain before that connection is dropped as too slow.</summary>
    public TimeSpan SlowConnectionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How much received message text (bytes, two a UTF-16 unit) may wait in a stored room's
    /// queue. When it is full, the server stops reading the connection whose packet filled it
    /// until half is handled: a client streaming faster than the store applies then waits on its
    /// own socket, and the server's memory stays bounded (flow control; nobody is dropped for it).
    /// </summary>
    public long MaxQueuedBytesPerRoom { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// A connection that sends no packet for this long is closed (1008). Never by default: an idle
    /// client is normal, and one that is gone is found by the keep-alive (<see cref="KeepAliveTimeout"/>).
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>How often the server pings each connection (WebSocket ping frames), so idle connections stay open through proxies.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a ping may wait for its pong before the connection is aborted as dead.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the server waits for a client to answer its close frame before it aborts the socket.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest room name, in UTF-16 units; a longer one is refused with HTTP 400.</summary>
    public int MaxRoomNameLength { get; set; } = 128;

    /// <summary>How many rooms may be open at once; a request that would open one more gets HTTP 503.</summary>
    public int MaxRooms { get; set; } = 10_000;

    /// <summary>
    /// Decides whether a request may open a room that is not open now (with a store, that creates
    /// its storage when it has none yet): return false to refuse with HTTP 403. Null lets anyone who may connect create
    /// any room; a public server should say which rooms exist, or who may make them.
    /// </summary>
    public Func<Microsoft.AspNetCore.Http.HttpContext, string, ValueTask<bool>>? CanOpenRoom { get; set; }

    /// <summary>
    /// Limits of the stored rooms' own transports: the fragments they send clients, and their
    /// reassembly of clients' messages. By default a message is at most 16 Mi UTF-16 units, a
    /// connection's incomplete messages hold at most that much together, and all rooms' incomplete
    /// messages share one budget of 64 Mi units (128 MB) for the whole server.
    /// </summary>
    public TransportOptions RoomTransport { get; set; } = new()
    {
        FragmentSize = TransportOptions.Network.FragmentSize,
        MaxMessageLength = 16 * 1024 * 1024,
        MaxPendingMessagesPerPeer = 16,
        MaxPendingLengthPerPeer = 16 * 1024 * 1024,
        SharedBudget = new ReassemblyBudget(64 * 1024 * 1024),
    };

    /// <summary>
    /// Decides, per request, which connections may read but not write: their packets reach only the
    /// room's store (never other clients), and the store refuses their writes. Use with a stored room.
    /// </summary>
    public Func<Microsoft.AspNetCore.Http.HttpContext, bool>? IsReadOnly { get; set; }

    /// <summary>
    /// Per-user rules for stored rooms, from each connection's claims (<see cref="SyncletsAccessRules.OwnedRows"/>,
    /// say), held on every path a row takes to a client; applied on top of <see cref="HooksFactory"/>'s
    /// hooks. Every room must then have a store: a relay room cannot enforce them and is not opened.
    /// </summary>
    public SyncletsAccessRules? AccessRules { get; set; }

    /// <summary>
    /// How long a stored room remembers deletions (<see cref="SyncletOptions.KeepTombstonesFor"/>);
    /// forever when null, the default. With it set, each room's store collects the tombstones
    /// older than this every hour, and a client that was away longer is refused its stale writes
    /// and told to rejoin (docs/concepts.md, "Tombstones"). 30 days suits most apps.
    /// </summary>
    public TimeSpan? KeepTombstonesFor { get; set; }

    /// <summary>Hooks of a stored room's synclet (authorization against it), by room name.</summary>
    public Func<string, IServiceProvider, SyncletHooks>? HooksFactory { get; set; }

    /// <summary>
    /// For tests, benchmarks and in-process demos only: told of every room, connection and packet,
    /// so the process can see the whole network idle (<see cref="InProcessWire"/>). None by default.
    /// </summary>
    public ISyncletsServerObserver? Observer { get; set; }
}
