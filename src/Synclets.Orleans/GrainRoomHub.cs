using System.Collections.Concurrent;
using System.Security.Claims;
using Synclets.Transports;

namespace Synclets.Orleans;

/// <summary>
/// The room inside its grain: a packet hub whose members are the room's store (when it keeps one)
/// and a stand-in for every connection of every node. A packet to one connection goes to that
/// connection's node; a broadcast goes once to each node, never once per connection, and each
/// node hands it to its own connections. The sender's own node is skipped in a relay room: it
/// delivered to its connections already.
/// </summary>
internal sealed class GrainRoomHub : PacketHub
{
    private readonly ConcurrentDictionary<string, NodeOutbox> _links = new(StringComparer.Ordinal);

    /// <summary>How many connections the room's nodes hold now.</summary>
    public int ConnectionCount => MemberIds.Count(id => FindMember(id) is RemoteConnection);

    /// <summary>The nodes' links now.</summary>
    public ICollection<NodeOutbox> Links => _links.Values;

    public bool TryGetLink(string link, out NodeOutbox outbox) => _links.TryGetValue(link, out outbox!);

    public void AddLink(NodeOutbox outbox) => _links[outbox.Link] = outbox;

    /// <summary>Removes a node's link and every connection it held (the store forgets their partly received messages).</summary>
    public bool RemoveLink(NodeOutbox outbox)
    {
        if (!_links.TryRemove(new KeyValuePair<string, NodeOutbox>(outbox.Link, outbox)))
        {
            return false;
        }

        outbox.Close();
        foreach (var id in MemberIds)
        {
            if (FindMember(id) is RemoteConnection connection && connection.Outbox == outbox)
            {
                Leave(id, connection);
            }
        }

        return true;
    }

    /// <summary>A connection of a node joined.</summary>
    public void Joined(NodeOutbox outbox, RoomUp joined)
    {
        if (FindMember(joined.Connection) is null)
        {
            Join(joined.Connection, new RemoteConnection(outbox, joined.Connection, joined.User?.ToPrincipal(), joined.ReadOnly));
        }
    }

    /// <summary>A connection of a node left.</summary>
    public void Left(NodeOutbox outbox, string connection)
    {
        if (FindMember(connection) is RemoteConnection member && member.Outbox == outbox)
        {
            Leave(connection, member);
        }
    }

    /// <summary>Routes a packet from a connection of <paramref name="outbox"/>'s node; a packet from a connection it does not hold is dropped.</summary>
    public void Route(NodeOutbox outbox, string from, string to, string readdressed)
    {
        if (FindMember(from) is RemoteConnection sender && sender.Outbox == outbox)
        {
            Forward(from, to, readdressed);
        }
    }

    /// <summary>The user of connection <paramref name="peer"/>, for the access rules.</summary>
    public ClaimsPrincipal? UserOf(string peer) => (FindMember(peer) as RemoteConnection)?.User;

    /// <summary>True when connection <paramref name="peer"/> may only read.</summary>
    public bool IsReadOnly(string peer) => (FindMember(peer) as RemoteConnection)?.ReadOnly == true;

    /// <inheritdoc/>
    /// <remarks>With a store the room is a star, as on a single server: the store relays what it applies to the others.</remarks>
    protected internal override bool IsStar => FindMember(Ids.ServerId) is not null;

    /// <inheritdoc/>
    protected override void Broadcast(string sender, string readdressed, string? except)
    {
        if (sender != Ids.ServerId && except != Ids.ServerId && FindMember(Ids.ServerId) is { } store)
        {
            Deliver(store, readdressed);
        }

        var origin = (FindMember(sender) as RemoteConnection)?.Outbox;
        foreach (var outbox in _links.Values)
        {
            if (outbox != origin)
            {
                outbox.Post(new RoomDown(sender, Packet.Everyone, except, readdressed));
            }
        }
    }

    /// <inheritdoc/>
    protected internal override ValueTask WhenReadyForAsync(string recipient, CancellationToken cancellationToken) =>
        FindMember(recipient) is RemoteConnection connection ? connection.Outbox.WhenReadyAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <inheritdoc/>
    protected override void Deliver(IHubMember member, string packet)
    {
        InFlight.Enter();
        try
        {
            member.Receive(packet);
        }
        finally
        {
            InFlight.Exit();
        }
    }

    /// <summary>A connection held by a node, as the room sees it: packets to it go to its node.</summary>
    private sealed class RemoteConnection(NodeOutbox outbox, string id, ClaimsPrincipal? user, bool readOnly) : IHubMember
    {
        public NodeOutbox Outbox { get; } = outbox;

        public ClaimsPrincipal? User { get; } = user;

        public bool ReadOnly { get; } = readOnly;

        public void Receive(string packet) => Outbox.Post(new RoomDown(string.Empty, id, null, packet));

        public void ForgetPeer(string peer)
        {
            // Reassembly happens in the clients.
        }
    }
}
