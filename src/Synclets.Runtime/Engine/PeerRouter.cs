using Microsoft.Extensions.Logging;
using Synclets.Protocol;
using Synclets.Transports;

namespace Synclets;

/// <summary>
/// Where a synclet's messages go: a reply to one peer, a message to every peer, or what was
/// applied from one peer on to the others (through every other attached transport, and through a
/// relaying transport to its other peers), cut per recipient when the hooks have read rules. It is
/// also the unit of work's outbox: once a unit has written, what it sends is held until the
/// commit and dropped on a rollback, so peers hear only what is durable.
/// </summary>
internal sealed class PeerRouter : IMessageSender, IDisposable
{
    private readonly IReadOnlyList<Transport> _transports;
    private readonly DeclaredHooks _hooks;
    private readonly int _depth;
    private readonly SyncletStatistics _statistics;
    private readonly ILogger _logger;
    private readonly string _logId;
    private readonly HashSet<string> _toldOurDepth = new(StringComparer.Ordinal);
    private readonly HeldMessages _held = new();

    // True when the hooks declare read rules: a broadcast is then cut per recipient (see ReadFilter).
    private readonly bool _readRules;
    private bool _inUnitOfWork;

    // Cancelled when stopping: a send waiting for a full carrier (flow control) gives up, so the
    // loop can reach the stop instead of waiting on a peer that does not read.
    private CancellationTokenSource _sending = new();
    private volatile bool _disposed;

    public PeerRouter(IReadOnlyList<Transport> transports, DeclaredHooks hooks, int depth, SyncletStatistics statistics, ILogger logger, string logId)
    {
        _transports = transports;
        _hooks = hooks;
        _readRules = hooks.HasReadRules;
        _depth = depth;
        _statistics = statistics;
        _logger = logger;
        _logId = logId;
    }

    /// <summary>True while the synclet is started: nothing is sent otherwise.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>The synclet started: sends go out (with a fresh cancellation if the last stop cancelled them).</summary>
    public void Open()
    {
        if (_sending.IsCancellationRequested)
        {
            _sending.Dispose();
            _sending = new CancellationTokenSource();
        }

        IsOpen = true;
    }

    /// <summary>Gives up the sends waiting for a full carrier; called outside the work loop, which may be waiting in one.</summary>
    public void CancelSends()
    {
        if (!_disposed)
        {
            _sending.Cancel(); // A stop after the synclet was disposed has nothing to cancel.
        }
    }

    /// <summary>The synclet stopped: nothing more is sent.</summary>
    public void Close() => IsOpen = false;

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        _sending.Dispose();
    }

    /// <summary>A unit of work begins: from its first write (<see cref="Writing"/>), what it sends is held.</summary>
    public void BeginUnit()
    {
        _inUnitOfWork = true;
        UnitWrote = false;
    }

    /// <summary>True once the current (or last) unit of work wrote an atom.</summary>
    public bool UnitWrote { get; private set; }

    /// <summary>The unit of work committed: what it held goes out, in order.</summary>
    public ValueTask CommitUnitAsync()
    {
        _inUnitOfWork = false;
        return _held.ReleaseAsync(SendNowAsync);
    }

    /// <summary>The unit of work rolled back: what it held is dropped.</summary>
    public void RollBackUnit()
    {
        _inUnitOfWork = false;
        _held.Drop();
    }

    /// <inheritdoc/>
    public async ValueTask SendAsync(Transport transport, string to, Message message, bool forcePartial)
    {
        if (!IsOpen || !transport.IsAttached)
        {
            return;
        }

        _hooks.OnSendMessage(message, to);
        await SendSafelyAsync(transport, to, MessageWriter.Write(message, forcePartial).AsMemory()).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask SendTextAsync(Transport transport, string to, ReadOnlyMemory<char> messageText) =>
        IsOpen && transport.IsAttached ? SendSafelyAsync(transport, to, messageText) : ValueTask.CompletedTask;

    /// <inheritdoc/>
    public bool CanBroadcast => IsOpen && HasOthers(origin: null, from: null);

    /// <inheritdoc/>
    public ValueTask BroadcastAsync(Message message, bool forcePartial) =>
        IsOpen ? SendToOthersAsync(message, forcePartial, origin: null, from: null) : ValueTask.CompletedTask;

    /// <inheritdoc/>
    public bool CanPropagate(Transport origin) =>
        IsOpen && (origin.RelaysBetweenPeers || _transports.Any(transport => transport != origin && transport.IsAttached));

    /// <inheritdoc/>
    public ValueTask PropagateAsync(Message message, bool forcePartial, Transport origin, string from) =>
        IsOpen ? SendToOthersAsync(message, forcePartial, origin, from) : ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask PropagateTextAsync(ReadOnlyMemory<char> messageText, Transport origin, string from) =>
        IsOpen ? SendTextToOthersAsync(messageText, origin, from) : ValueTask.CompletedTask;

    /// <summary>
    /// Sends to every attached transport but <paramref name="origin"/>, and through the origin to
    /// its peers other than <paramref name="from"/> when it relays. With read rules (hooks other
    /// than the defaults), each peer a transport can name gets only what it may read.
    /// </summary>
    private async ValueTask SendToOthersAsync(Message message, bool forcePartial, Transport? origin, string? from)
    {
        if (!HasOthers(origin, from))
        {
            return; // Nobody to tell: nothing to write.
        }

        _hooks.OnSendMessage(message, Packet.Everyone);
        if (!_readRules)
        {
            await SendTextToOthersAsync(MessageWriter.Write(message, forcePartial).AsMemory(), origin, from).ConfigureAwait(false);
            return;
        }

        ReadOnlyMemory<char>? text = null;
        foreach (var transport in _transports)
        {
            var relayed = transport == origin;
            if (!transport.IsAttached || (relayed && (!transport.RelaysBetweenPeers || from is null)))
            {
                continue;
            }

            if (transport.PeerIds is not { } peers)
            {
                text ??= MessageWriter.Write(message, forcePartial).AsMemory();
                await SendSafelyAsync(transport, Packet.Everyone, text.Value, exceptPeer: relayed ? from : null).ConfigureAwait(false);
                continue;
            }

            foreach (var peer in peers)
            {
                if (peer != from && await ReadFilter.ForRecipientAsync(_hooks, message, peer).ConfigureAwait(false) is { } readable)
                {
                    await SendSafelyAsync(transport, peer, MessageWriter.Write(readable, forcePartial).AsMemory()).ConfigureAwait(false);
                }
            }
        }
    }

    private bool HasOthers(Transport? origin, string? from)
    {
        foreach (var transport in _transports)
        {
            if (transport != origin && transport.IsAttached)
            {
                return true;
            }
        }

        return origin is { RelaysBetweenPeers: true, IsAttached: true } && from is not null;
    }

    private async ValueTask SendTextToOthersAsync(ReadOnlyMemory<char> text, Transport? origin, string? from)
    {
        foreach (var transport in _transports)
        {
            if (transport != origin && transport.IsAttached)
            {
                await SendSafelyAsync(transport, Packet.Everyone, text).ConfigureAwait(false);
            }
        }

        if (origin is { RelaysBetweenPeers: true, IsAttached: true } && from is not null)
        {
            await SendSafelyAsync(origin, Packet.Everyone, text, exceptPeer: from).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Writing()
    {
        UnitWrote |= _inUnitOfWork;
        if (_inUnitOfWork && !_held.Holding)
        {
            _held.StartHolding();
        }
    }

    private ValueTask SendSafelyAsync(Transport transport, string to, ReadOnlyMemory<char> text, string? exceptPeer = null)
    {
        if (_held.Holding)
        {
            _held.Hold(transport, to, text.Span, exceptPeer);
            return ValueTask.CompletedTask;
        }

        return SendNowAsync(transport, to, text, exceptPeer);
    }

    private async ValueTask SendNowAsync(Transport transport, string to, ReadOnlyMemory<char> text, string? exceptPeer)
    {
        if (!transport.IsAttached)
        {
            return; // Detached while the message was held.
        }

        _statistics.Sent(text.Span);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            Log.Sending(_logger, _logId, Ids.Readable(to), text.Length, transport.GetType().Name);
        }

        try
        {
            await transport.SendMessageAsync(to, text, _sending.Token, exceptPeer).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_sending.IsCancellationRequested)
        {
            // Stopping while the carrier was full: the message is dropped, as one in flight would be.
        }
#pragma warning disable CA1031 // A transport that fails to send must not stop the synclet: the next sync retries.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.SendFailed(_logger, exception, _logId, transport.GetType().Name);
        }
    }

    /// <summary>
    /// A peer whose tree has another depth would otherwise be cut off in silence (on our side a
    /// warning only). So it is sent, once, a message of our depth: every peer, this library's
    /// and the JavaScript reference, refuses it with a warning that names the depth, which tells
    /// the person reading that peer's logs what is wrong. Once per peer, so two such peers do not
    /// answer each other forever.
    /// </summary>
    public async ValueTask TellOurDepthAsync(Transport transport, string peer)
    {
        if (_toldOurDepth.Count >= 4096)
        {
            _toldOurDepth.Clear(); // Bounded: a long-lived server meets many peers.
        }

        if (_toldOurDepth.Add(peer))
        {
            var reason = new Dictionary<string, Atom>(StringComparer.Ordinal) { [Synclet.DepthReasonKey] = $"This peer keeps a tree of depth {_depth}; it drops messages of any other depth." };
            await SendSafelyAsync(transport, peer, MessageWriter.Write(new Message(_depth, [], new HashNode(0), reason), false).AsMemory()).ConfigureAwait(false);
        }
    }
}
