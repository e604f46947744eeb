namespace Synclets.Transports;

/// <summary>A transport that is a member of a <see cref="PacketHub"/>.</summary>
public sealed class HubTransport : Transport, IHubMember
{
    private readonly PacketHub _hub;
    private string? _joinedAs;

    internal HubTransport(PacketHub hub, TransportOptions? options)
        : base(options ?? TransportOptions.InProcess)
    {
        _hub = hub;
    }

    /// <inheritdoc/>
    void IHubMember.Receive(string packet) => ReceivePacket(packet);

    /// <inheritdoc/>
    void IHubMember.ForgetPeer(string peer) => ForgetPeer(peer);

    /// <inheritdoc/>
    protected override ValueTask ConnectAsync(CancellationToken cancellationToken)
    {
        _joinedAs = SelfId!;
        _hub.Join(_joinedAs, this);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override ValueTask DisconnectAsync(CancellationToken cancellationToken)
    {
        if (_joinedAs is not null)
        {
            _hub.Leave(_joinedAs, this);
            _joinedAs = null;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>True on a hub whose members do not hear one another (<see cref="PacketHub.IsStar"/>).</remarks>
    public override bool RelaysBetweenPeers => _hub.IsStar;

    /// <inheritdoc/>
    internal override IReadOnlyCollection<string>? PeerIds =>
        _joinedAs is { } self ? [.. _hub.MemberIds.Where(id => id != self)] : null;

    /// <inheritdoc/>
    protected override ValueTask SendPacketAsync(string packet, CancellationToken cancellationToken)
    {
        if (_joinedAs is not null)
        {
            _hub.Route(_joinedAs, packet);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Readdresses the packet as it joins its header and fragment: one copy, where joining and then
    /// readdressing made two. A packet to one member waits until that member can take it (see
    /// <see cref="PacketHub.WhenReadyForAsync"/>); a broadcast never waits.
    /// </summary>
    private protected override ValueTask SendPacketAsync(string header, ReadOnlyMemory<char> fragment, string? exceptPeer, CancellationToken cancellationToken)
    {
        if (_joinedAs is not { } self)
        {
            return ValueTask.CompletedTask;
        }

        var readdressed = Packet.Readdress(header, fragment.Span, self, out var to);
        var ready = to == Packet.Everyone ? ValueTask.CompletedTask : _hub.WhenReadyForAsync(to, cancellationToken);
        if (!ready.IsCompletedSuccessfully)
        {
            return ForwardWhenReadyAsync(ready, self, to, readdressed, exceptPeer);
        }

        _hub.Forward(self, to, readdressed, exceptPeer);
        return ValueTask.CompletedTask;
    }

    private async ValueTask ForwardWhenReadyAsync(ValueTask ready, string self, string to, string readdressed, string? exceptPeer)
    {
        await ready.ConfigureAwait(false);
        _hub.Forward(self, to, readdressed, exceptPeer);
    }

    /// <inheritdoc/>
    protected override ValueTask SendPacketToOthersAsync(string exceptPeer, string packet, CancellationToken cancellationToken)
    {
        if (_joinedAs is not null)
        {
            _hub.Route(_joinedAs, packet, exceptPeer);
        }

        return ValueTask.CompletedTask;
    }
}
