using System.Collections.Concurrent;

namespace Synclets.Transports;

/// <summary>
/// A place where transports meet and packets are routed: a packet to <c>*</c> reaches every
/// other member, a packet to an id reaches that member only, and the receiver sees the sender's
/// id as the first token. Subclasses decide how a packet is delivered.
/// </summary>
public abstract class PacketHub : IIdleSource
{
    private readonly ConcurrentDictionary<string, HubTransport> _members = new(StringComparer.Ordinal);

    /// <summary>Counts packets handed to the hub and not yet delivered.</summary>
    protected ActivityCounter InFlight { get; } = new();

    /// <summary>The ids of the members attached now.</summary>
    public IReadOnlyCollection<string> MemberIds => [.. _members.Keys];

    /// <inheritdoc/>
    public bool IsIdle => InFlight.IsIdle;

    /// <inheritdoc/>
    public long Generation => InFlight.Generation;

    /// <inheritdoc/>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default) => InFlight.WhenIdleAsync(cancellationToken);

    /// <summary>A new transport on this hub, for one synclet.</summary>
    public Transport CreateTransport(TransportOptions? options = null) => new HubTransport(this, options);

    /// <summary>Two transports on this hub: a point-to-point link when the hub has no other member.</summary>
    public (Transport First, Transport Second) CreatePair(TransportOptions? options = null) =>
        (CreateTransport(options), CreateTransport(options));

    /// <summary>Delivers one readdressed packet to a member, without waiting for it to be processed.</summary>
    protected abstract void Deliver(HubTransport member, string packet);

    /// <summary>Called when a member joins.</summary>
    protected virtual void OnJoined(HubTransport member)
    {
    }

    /// <summary>Called when a member leaves.</summary>
    protected virtual void OnLeft(HubTransport member)
    {
    }

    internal void Join(string id, HubTransport member)
    {
        if (!_members.TryAdd(id, member))
        {
            throw new InvalidOperationException($"A synclet with id '{id}' is already a member of this hub; synclet ids must be unique.");
        }

        OnJoined(member);
    }

    internal void Leave(string id, HubTransport member)
    {
        if (_members.TryRemove(new KeyValuePair<string, HubTransport>(id, member)))
        {
            OnLeft(member);
            foreach (var other in _members.Values)
            {
                other.ForgetLeftPeer(id);
            }
        }
    }

    internal void Route(string from, string packet)
    {
        if (!Packet.TryReaddress(packet, from, out var to, out var readdressed))
        {
            return; // Our own Transport base never sends such a packet.
        }

        if (to == Packet.Everyone)
        {
            foreach (var (id, member) in _members)
            {
                if (id != from)
                {
                    Deliver(member, readdressed);
                }
            }
        }
        else if (_members.TryGetValue(to, out var member))
        {
            Deliver(member, readdressed);
        }
    }
}
