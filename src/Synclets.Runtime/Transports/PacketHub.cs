using System.Collections.Concurrent;

namespace Synclets.Transports;

/// <summary>
/// A place where transports meet and packets are routed: a packet to <c>*</c> reaches every
/// other member, a packet to an id reaches that member only, and the receiver sees the sender's
/// id as the first token. Subclasses decide how a packet is delivered.
/// </summary>
public abstract class PacketHub : IIdleSource
{
    private readonly ConcurrentDictionary<string, IHubMember> _members = new(StringComparer.Ordinal);

    /// <summary>Creates the hub; pass a counter shared with other parts (network clients, say) to observe them as one.</summary>
    protected PacketHub(ActivityCounter? inFlight = null) => InFlight = inFlight ?? new ActivityCounter();

    /// <summary>Counts packets handed to the hub and not yet delivered.</summary>
    protected ActivityCounter InFlight { get; }

    /// <summary>The ids of the members attached now.</summary>
    public IReadOnlyCollection<string> MemberIds => [.. _members.Keys];

    /// <inheritdoc/>
    public bool IsIdle => InFlight.IsIdle;

    /// <inheritdoc/>
    public long Generation => InFlight.Generation;

    /// <inheritdoc/>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default) => InFlight.WhenIdleAsync(cancellationToken);

    /// <summary>
    /// True when members do not hear one another's broadcasts but talk to one centre, whose
    /// <see cref="HubTransport"/> then relays what it applies (a room with a store). Routing is
    /// the subclass's to enforce; this only tells the centre's transport to relay.
    /// </summary>
    protected internal virtual bool IsStar => false;

    /// <summary>A new transport on this hub, for one synclet (with <see cref="TransportOptions.InProcess"/> unless given options).</summary>
    public Transport CreateTransport(TransportOptions? options = null) => new HubTransport(this, options);

    /// <summary>Two transports on this hub: a point-to-point link when the hub has no other member.</summary>
    public (Transport First, Transport Second) CreatePair(TransportOptions? options = null) =>
        (CreateTransport(options), CreateTransport(options));

    /// <summary>
    /// Completes when member <paramref name="recipient"/> can take more packets sent to it alone (a
    /// reply): a hub whose members are slow carriers (a server's connections) waits here, so a
    /// long reply goes at the recipient's pace. At once by default.
    /// </summary>
    protected internal virtual ValueTask WhenReadyForAsync(string recipient, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Delivers one readdressed packet to a member, without waiting for it to be processed.</summary>
    protected abstract void Deliver(IHubMember member, string packet);

    /// <summary>Called when a member joins.</summary>
    protected virtual void OnJoined(IHubMember member)
    {
    }

    /// <summary>Called when a member leaves.</summary>
    protected virtual void OnLeft(IHubMember member)
    {
    }

    /// <summary>Adds a member under an id unique in this hub.</summary>
    /// <exception cref="InvalidOperationException">The id is taken.</exception>
    protected internal void Join(string id, IHubMember member)
    {
        if (!_members.TryAdd(id, member))
        {
            throw new InvalidOperationException($"A synclet with id '{id}' is already a member of this hub; synclet ids must be unique.");
        }

        OnJoined(member);
    }

    /// <summary>Removes a member; the others forget its partly received messages.</summary>
    protected internal void Leave(string id, IHubMember member)
    {
        if (_members.TryRemove(new KeyValuePair<string, IHubMember>(id, member)))
        {
            OnLeft(member);
            foreach (var other in _members.Values)
            {
                other.ForgetPeer(id);
            }
        }
    }

    /// <summary>Sends a packet from member <paramref name="from"/>: to every other member for <c>*</c> (but <paramref name="except"/>), else to the member it names.</summary>
    /// <returns>False when the packet has no <c>to</c> token (nothing is sent).</returns>
    protected internal bool Route(string from, string packet, string? except = null)
    {
        if (!Packet.TryReaddress(packet, from, out var to, out var readdressed))
        {
            return false;
        }

        Forward(from, to, readdressed, except);
        return true;
    }

    /// <summary>
    /// <see cref="Route"/> for a packet already readdressed (its first token is <paramref name="from"/>),
    /// addressed <paramref name="to"/>: a carrier that readdresses as it decodes or joins a packet
    /// saves a copy.
    /// </summary>
    protected internal void Forward(string from, string to, string readdressed, string? except = null)
    {
        if (to == Packet.Everyone)
        {
            Broadcast(from, readdressed, except);
        }
        else
        {
            ForwardTo(to, readdressed);
        }
    }

    /// <summary>
    /// Delivers a readdressed broadcast from <paramref name="sender"/> to every other member but
    /// <paramref name="except"/>. A hub whose members stand for many recipients (a cluster's
    /// nodes, each with its own connections) overrides it to send the packet once to each.
    /// </summary>
    protected virtual void Broadcast(string sender, string readdressed, string? except)
    {
        foreach (var (id, member) in _members)
        {
            if (id != sender && id != except)
            {
                Deliver(member, readdressed);
            }
        }
    }

    /// <summary>The member under <paramref name="id"/>, if it is here.</summary>
    protected IHubMember? FindMember(string id) => _members.TryGetValue(id, out var member) ? member : null;

    /// <summary>Hands a readdressed packet to member <paramref name="to"/>, if it is here.</summary>
    protected void ForwardTo(string to, string readdressed)
    {
        if (_members.TryGetValue(to, out var member))
        {
            Deliver(member, readdressed);
        }
    }
}

/// <summary>A member of a <see cref="PacketHub"/>: something packets can be handed to.</summary>
public interface IHubMember
{
    /// <summary>Takes one packet whose first token is its sender. Must not wait for it to be processed.</summary>
    void Receive(string packet);

    /// <summary>Forgets what is pending from a peer that left the hub.</summary>
    void ForgetPeer(string peer);
}
