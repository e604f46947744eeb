using System.Collections.Concurrent;
using Synclets.Transports;

namespace Synclets.AspNetCore;

/// <summary>
/// One room: the connections under one URL path, plus the room's own synclet when it keeps a store.
/// It is a packet hub; packets never cross rooms. Relay-only, everyone hears everyone (to
/// <c>*</c> reaches everyone else, to an id that member). With a store the room is a star:
/// connections talk to the store only, and the store relays what it applies to the others, so a
/// new client gets one copy of the room (the store's), not one from every connected client.
/// </summary>
/// <remarks>
/// On a node of a cluster the room has an <see cref="Uplink"/> instead of a store: the room itself
/// lives once in the cluster, and this node's part is its own connections. Packets between them
/// stay here; the rest go up the link, and what the room sends comes back through <see cref="Deliver(string, string, string?, string)"/>.
/// </remarks>
internal sealed class Room(string name, ActivityCounter? inFlight) : PacketHub(inFlight), IClusterRoom
{
    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public int ConnectionCount => _connections.Count;

    /// <summary>The room's own synclet, when it keeps a store.</summary>
    public Synclet? Store { get; set; }

    public RoomStore? StoreOwner { get; set; }

    /// <summary>The link to the room's home in the cluster, when this server is one node of one.</summary>
    public IRoomUplink? Uplink { get; set; }

    /// <summary>True once the room's home in the cluster was lost: its connections are closing, and a new connection opens the room afresh.</summary>
    public bool IsLost { get; private set; }

    /// <summary>True once its store or link is closed (changed under the broker's room gate only).</summary>
    public bool Closed { get; set; }

    /// <summary>The room synclet's own transport on this hub.</summary>
    public Transport? StoreTransport { get; set; }

    public ActivityCounter Activity => InFlight;

    /// <summary>The requests that hold the room open (joined or joining); changed under the broker's room gate only.</summary>
    public int Holders { get; set; }

    public void Add(Connection connection)
    {
        Join(connection.Id, connection);
        _connections[connection.Id] = connection;
        Uplink?.Joined(connection.Id, connection.User, connection.ReadOnly);
    }

    public void Remove(Connection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        Leave(connection.Id, connection);
        Uplink?.Left(connection.Id);
    }

    public Connection? Find(string id) => _connections.TryGetValue(id, out var connection) ? connection : null;

    /// <summary>The connections in the room now.</summary>
    public IEnumerable<Connection> Connections => _connections.Values;

    /// <inheritdoc/>
    protected internal override bool IsStar => Store is not null;

    /// <summary>
    /// Routes a packet a connection sent, already readdressed from it (<paramref name="to"/> is its
    /// own first token). Returns why it was refused, or null when it was routed.
    /// </summary>
    public string? Send(Connection from, string to, string readdressed)
    {
        if (Uplink is { } uplink)
        {
            return SendAcross(uplink, from, to, readdressed);
        }

        if (Store is null)
        {
            if (from.ReadOnly)
            {
                return "it may only read, and a relay-only room has no store to read from";
            }

            Forward(from.Id, to, readdressed);
            return null;
        }

        // With a store the room is a star: a client talks to the store only, never to another
        // client (which could otherwise read that client's replica, or write into it, by its id).
        // A broadcast goes to the store, which relays what it applies to the others, and refuses
        // a read-only connection's writes.
        if (to != Packet.Everyone && to != Ids.ServerId)
        {
            return "in a room with a store, packets go to the store ('*' or its id), not to another connection";
        }

        ForwardTo(Ids.ServerId, readdressed);
        return null;
    }

    /// <summary>
    /// <see cref="Send"/> on a node of a cluster, under the same rules: to a store room's store up
    /// the link; in a relay room, to this node's connections here and to the others' up the link.
    /// </summary>
    private string? SendAcross(IRoomUplink uplink, Connection from, string to, string readdressed)
    {
        if (uplink.HasStore)
        {
            if (to != Packet.Everyone && to != Ids.ServerId)
            {
                return "in a room with a store, packets go to the store ('*' or its id), not to another connection";
            }

            uplink.Send(from.Id, Ids.ServerId, readdressed);
            return null;
        }

        if (from.ReadOnly)
        {
            return "it may only read, and a relay-only room has no store to read from";
        }

        if (to == Packet.Everyone)
        {
            Forward(from.Id, to, readdressed);
            uplink.Send(from.Id, to, readdressed);
        }
        else if (Find(to) is not null)
        {
            ForwardTo(to, readdressed);
        }
        else
        {
            uplink.Send(from.Id, to, readdressed);
        }

        return null;
    }

    /// <inheritdoc/>
    public void Deliver(string from, string to, string? except, string readdressed) => Forward(from, to, readdressed, except);

    /// <inheritdoc/>
    ValueTask IClusterRoom.WhenReadyForAsync(string connection, CancellationToken cancellationToken) => WhenReadyForAsync(connection, cancellationToken);

    /// <inheritdoc/>
    public void Lost(string reason)
    {
        IsLost = true;
        foreach (var connection in _connections.Values)
        {
            connection.End(ServiceRestart, reason);
        }
    }

    /// <summary>1012, "service restart": the client reconnects, to whichever node takes it, and resyncs.</summary>
    private const System.Net.WebSockets.WebSocketCloseStatus ServiceRestart = (System.Net.WebSockets.WebSocketCloseStatus)1012;

    /// <inheritdoc/>
    protected internal override ValueTask WhenReadyForAsync(string recipient, CancellationToken cancellationToken) =>
        Find(recipient)?.WhenWritableAsync(cancellationToken) ?? ValueTask.CompletedTask;

    protected override void Deliver(IHubMember member, string packet)
    {
        // Entered here, exited once the packet is written to the socket (or, for the room's own
        // synclet, handed to its queue); a shared counter spans the wire to the client too.
        InFlight.Enter();
        if (member is Connection connection)
        {
            connection.Enqueue(packet);
            return;
        }

        try
        {
            member.Receive(packet);
        }
        finally
        {
            InFlight.Exit();
        }
    }
}
