using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Synclets.Transports;

/// <summary>
/// The base of every transport. It cuts messages into packets, puts received packets back
/// together within limits, and logs whatever it drops; a concrete transport only moves text
/// packets: implement <see cref="ConnectAsync"/>, <see cref="DisconnectAsync"/> and
/// <see cref="SendPacketAsync(string, CancellationToken)"/>, and call <see cref="ReceivePacket"/> for each packet that arrives.
/// </summary>
public abstract class Transport : IAsyncDisposable
{
    private readonly Reassembler _reassembler;
    private IMessageReceiver? _receiver;
    private ILogger _logger = NullLogger.Instance;

    /// <summary>Creates the transport with its limits.</summary>
    protected Transport(TransportOptions? options = null)
    {
        Options = options ?? TransportOptions.Default;
        _reassembler = new Reassembler(Options);
    }

    /// <summary>This transport's sizes and limits.</summary>
    public TransportOptions Options { get; }

    /// <summary>The id of the synclet this transport is attached to, or null when detached.</summary>
    public string? SelfId => _receiver?.Id;

    /// <summary>True while attached to a started synclet.</summary>
    public bool IsAttached => _receiver is not null;

    /// <summary>
    /// True while the carrier can move packets now (a socket is open); for carriers that are
    /// always there once attached (in-process hubs), the same as <see cref="IsAttached"/>.
    /// </summary>
    public virtual bool IsConnected => IsAttached;

    /// <summary>True while the carrier is trying to (re)connect.</summary>
    public virtual bool IsConnecting => false;

    /// <summary>Raised, on any thread, when <see cref="IsConnected"/> or <see cref="IsConnecting"/> may have changed.</summary>
    public event EventHandler? ConnectionChanged;

    /// <summary>Call when the carrier connects, drops, or starts trying again.</summary>
    protected void OnConnectionChanged() => ConnectionChanged?.Invoke(this, EventArgs.Empty);

    /// <summary>How many partly received messages wait for fragments (for diagnostics and tests).</summary>
    public int PendingMessageCount => _reassembler.PendingCount;

    /// <summary>Opens whatever carries the packets (join a pool, connect a socket).</summary>
    protected abstract ValueTask ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Closes whatever carries the packets.</summary>
    protected abstract ValueTask DisconnectAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Hands one packet (<c>&lt;to&gt; &lt;messageId&gt; &lt;index&gt; &lt;total&gt; &lt;fragment&gt;</c>) to the carrier.
    /// May wait while the carrier is full (flow control), until <paramref name="cancellationToken"/>
    /// is cancelled (the synclet is stopping); must not wait for the receiver to process it.
    /// </summary>
    protected abstract ValueTask SendPacketAsync(string packet, CancellationToken cancellationToken);

    /// <summary>Call with every packet that arrives, its first token already replaced by the sender's id. Thread-safe.</summary>
    protected void ReceivePacket(string packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var receiver = _receiver;
        if (receiver is null)
        {
            return; // Detached: nobody to deliver to.
        }

        if (!Packet.TryParse(packet, out var fragment, out var error))
        {
            Log.DroppedPacket(_logger, Ids.Readable(receiver.Id), "an unknown peer", error);
            return;
        }

        if (fragment.From == Packet.Everyone || fragment.From == receiver.Id)
        {
            Log.DroppedPacket(_logger, Ids.Readable(receiver.Id), Ids.Readable(fragment.From), "its sender is '*' or this synclet's own id");
            return;
        }

        if (_reassembler.Add(fragment, _logger, Ids.Readable(receiver.Id)) is { } parts)
        {
            receiver.OnMessage(this, fragment.From, parts);
        }
    }

    /// <summary>
    /// Completes when the attached synclet has room in its queue for more received messages
    /// (<see cref="SyncletOptions.MaxQueuedBytes"/>); at once when nothing is attached. A carrier
    /// that can stop reading, like a server reading a client's socket, awaits it after each packet
    /// it hands over: a sender faster than the synclet then waits on its own socket (flow
    /// control) instead of its stream piling up in memory here.
    /// </summary>
    public ValueTask WhenReceiverReadyAsync(CancellationToken cancellationToken = default) =>
        _receiver?.WhenReadyForMoreAsync(cancellationToken) ?? ValueTask.CompletedTask;

    /// <summary>Call after a reconnection: the synclet sends its root hash again, so whatever was missed syncs.</summary>
    protected void RequestResync() => _receiver?.OnResyncRequested(this);

    /// <summary>The logger of the synclet this transport is attached to.</summary>
    protected ILogger Logger => _logger;

    /// <summary>Forgets the partial messages of a peer that left, so they hold no memory.</summary>
    protected void ForgetPeer(string peer) => _reassembler.ForgetPeer(peer);

    internal async ValueTask AttachAsync(IMessageReceiver receiver, ILogger logger, CancellationToken cancellationToken)
    {
        if (_receiver is not null)
        {
            throw new InvalidOperationException("This transport is already attached to a synclet; each synclet needs transports of its own.");
        }

        _receiver = receiver;
        _logger = logger;
        try
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _receiver = null;
            throw;
        }

        OnConnectionChanged();
    }

    internal async ValueTask DetachAsync(CancellationToken cancellationToken)
    {
        if (_receiver is null)
        {
            return;
        }

        try
        {
            await DisconnectAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _receiver = null;
            _reassembler.Clear();
            OnConnectionChanged();
        }
    }

    /// <summary>
    /// True when this transport joins its synclet to several peers that do not hear one another
    /// (the centre of a star, like a server's room store): what the synclet applies from one of
    /// them is then sent on to the others over this same transport.
    /// </summary>
    public virtual bool RelaysBetweenPeers => false;

    /// <summary>
    /// The ids of the peers this transport reaches, when it knows them (a hub's other members), so
    /// that a broadcast can be cut to what each may read; null when they are not known.
    /// </summary>
    internal virtual IReadOnlyCollection<string>? PeerIds => null;

    /// <summary>Sends one packet (addressed to <c>*</c>) to every peer except <paramref name="exceptPeer"/>; called only when <see cref="RelaysBetweenPeers"/>.</summary>
    protected virtual ValueTask SendPacketToOthersAsync(string exceptPeer, string packet, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not relay between its peers.");

    /// <summary>Sends a message in packets: to <paramref name="to"/>, or, with <paramref name="exceptPeer"/>, to every peer but that one.</summary>
    internal async ValueTask SendMessageAsync(string to, ReadOnlyMemory<char> messageText, CancellationToken cancellationToken, string? exceptPeer = null)
    {
        foreach (var (header, fragment) in Packet.Parts(to, messageText, Options.FragmentSize))
        {
            await SendPacketAsync(header, fragment, exceptPeer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends one packet given as its header and its fragment of the message's text (valid only
    /// until the returned task completes), to every peer but <paramref name="exceptPeer"/> when
    /// one is given. The transports of this library write the two without joining them first;
    /// any other is handed the joined packet.
    /// </summary>
    private protected virtual ValueTask SendPacketAsync(string header, ReadOnlyMemory<char> fragment, string? exceptPeer, CancellationToken cancellationToken)
    {
        var packet = string.Concat(header.AsSpan(), fragment.Span);
        return exceptPeer is null ? SendPacketAsync(packet, cancellationToken) : SendPacketToOthersAsync(exceptPeer, packet, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await DetachAsync(CancellationToken.None).ConfigureAwait(false);
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what a concrete transport holds.</summary>
    protected virtual ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;
}
