using System.Collections.Concurrent;
using Synclets.Transports;

namespace Synclets.AspNetCore;

/// <summary>
/// One room: the connections under one URL path, plus the room's own synclet when it keeps a store.
/// It is a packet hub, so routing is the one every hub uses: to <c>*</c> reaches everyone else,
/// to an id reaches that member; packets never cross rooms.
/// </summary>
internal sealed class Room(string name, ActivityCounter? sharedActivity) : PacketHub(sharedActivity)
{
    private readonly ConcurrentDictionary<string, Connection> _connections = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public int ConnectionCount => _connections.Count;

    /// <summary>The room's own synclet, when it keeps a store.</summary>
    public Synclet? Store { get; set; }

    public IAsyncDisposable? StoreOwner { get; set; }

    /// <summary>The room synclet's own transport on this hub.</summary>
    public Transport? StoreTransport { get; set; }

    public ActivityCounter Activity => InFlight;

    public void Add(Connection connection)
    {
        Join(connection.Id, connection);
        _connections[connection.Id] = connection;
    }

    public void Remove(Connection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        Leave(connection.Id, connection);
    }

    public Connection? Find(string id) => _connections.TryGetValue(id, out var connection) ? connection : null;

    /// <summary>Routes a packet a connection sent; false when it is malformed or not allowed.</summary>
    public bool Send(Connection from, string packet)
    {
        if (!from.ReadOnly)
        {
            return Route(from.Id, packet);
        }

        // A read-only connection talks to the room's store only, which refuses its writes.
        var space = packet.IndexOf(' ', StringComparison.Ordinal);
        var to = space > 0 ? packet[..space] : string.Empty;
        if (Store is null || (to != Packet.Everyone && to != Ids.ServerId))
        {
            return false;
        }

        return Route(from.Id, string.Concat(Ids.ServerId, packet.AsSpan(space)));
    }

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
