using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Synclets.Transports;

namespace Synclets.AspNetCore;

/// <summary>
/// One client's WebSocket in a room: a read loop that routes its packets, a write loop that drains
/// its own queue, bounded in packets and in bytes (a client that does not read is dropped, not
/// buffered for). It joins its room before the WebSocket handshake completes, so nothing
/// broadcast between the two is missed: packets queue until the socket is attached.
/// </summary>
internal sealed class Connection : IHubMember
{
    private readonly Channel<string> _outbox;
    private readonly ActivityCounter _activity;
    private readonly IServerConnectionObserver? _observer;
    private readonly long _maxQueuedChars;
    private readonly Lock _writableGate = new();
    private readonly TimeSpan _slowTimeout;
    private WebSocket? _socket;
    private long _queuedChars;
    private TaskCompletionSource? _writable; // Set while a sender waits for the queue to drain.
    private volatile bool _writeLoopEnded;

    public Connection(string id, int maxQueuedPackets, long maxQueuedBytes, ActivityCounter activity, IServerConnectionObserver? observer, TimeSpan? slowTimeout = null)
    {
        Id = id;
        _slowTimeout = slowTimeout ?? TimeSpan.FromSeconds(30);
        _activity = activity;
        _observer = observer;
        _maxQueuedChars = Math.Max(1, maxQueuedBytes / 2);
        _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(maxQueuedPackets) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>The socket, once the handshake has completed.</summary>
    public WebSocket Socket
    {
        get => _socket ?? throw new InvalidOperationException("The connection's WebSocket is not attached yet.");
        set => _socket = value;
    }

    public string Id { get; }

    /// <summary>The authenticated user of the request that opened the connection.</summary>
    public System.Security.Claims.ClaimsPrincipal? User { get; init; }

    /// <summary>True when the connection may read but not write.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Set when the connection could not keep up and must be closed.</summary>
    public bool TooSlow { get; private set; }

    /// <summary>Cancelled when the connection must end now (it fell too far behind, or <see cref="End"/> was called).</summary>
    public CancellationTokenSource Closing { get; } = new();

    /// <summary>Why the server ended the connection, with the close code to send; null unless <see cref="End"/> was called.</summary>
    public (WebSocketCloseStatus Status, string Reason)? Ending { get; private set; }

    /// <summary>Ends the connection from the server's side: its read loop stops and it is closed with <paramref name="status"/>.</summary>
    public void End(WebSocketCloseStatus status, string reason)
    {
        Ending ??= (status, reason);
        try
        {
            Closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already over.
        }
    }

    public void Receive(string packet) => Enqueue(packet);

    public void ForgetPeer(string peer)
    {
        // Reassembly happens in the clients, not here.
    }

    public void Enqueue(string packet)
    {
        if (TooSlow)
        {
            _activity.Exit(); // Already being dropped.
            return;
        }

        // Bounded in bytes as well as packets: 10,000 packets of 64 Ki characters would be 1.2 GB.
        if (Interlocked.Add(ref _queuedChars, packet.Length) > _maxQueuedChars || !_outbox.Writer.TryWrite(packet))
        {
            Interlocked.Add(ref _queuedChars, -packet.Length);
            if (_writeLoopEnded)
            {
                _activity.Exit(); // The connection is over: nobody will write it.
                return;
            }

            _activity.Exit();
            MarkTooSlow();
        }
    }

    /// <summary>
    /// Completes when the queue is at most half full, so a reply to this connection alone (an
    /// initial sync of a large room) goes at the pace the client reads instead of piling up here.
    /// A connection that does not drain within the slow timeout is dropped, so a client that
    /// never reads cannot stall the room's store either.
    /// </summary>
    public ValueTask WhenWritableAsync(CancellationToken cancellationToken)
    {
        if (IsWritable)
        {
            return ValueTask.CompletedTask;
        }

        return WaitWritableAsync(cancellationToken);
    }

    private bool IsWritable => Interlocked.Read(ref _queuedChars) <= _maxQueuedChars / 2 || TooSlow || _writeLoopEnded;

    private async ValueTask WaitWritableAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_writableGate)
        {
            if (IsWritable)
            {
                return;
            }

            drained = (_writable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        try
        {
            await drained.WaitAsync(_slowTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            MarkTooSlow();
        }
    }

    private void SignalIfWritable()
    {
        if (_writable is null || !IsWritable)
        {
            return;
        }

        lock (_writableGate)
        {
            _writable?.TrySetResult();
            _writable = null;
        }
    }

    private void MarkTooSlow()
    {
        TooSlow = true;
        _outbox.Writer.TryComplete();
        Closing.Cancel();
        SignalIfWritable();
    }

    /// <summary>Watches this connection when the server has an observer and the client is one it watches.</summary>
    public IServerConnectionObserver? Observer => _observer;

    public void Complete()
    {
        _outbox.Writer.TryComplete();
        _observer?.Closed();
    }

    /// <summary>Writes queued packets until the connection ends; then releases what is still queued.</summary>
    public async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var packet in _outbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // Watched, the packet is released when the client receives it, so the observer hears of it before it can arrive.
                _observer?.PacketWriting();
                Interlocked.Add(ref _queuedChars, -packet.Length);
                SignalIfWritable();
                var written = false;
                try
                {
                    await Socket.SendTextAsync(packet, cancellationToken).ConfigureAwait(false);
                    written = true;
                }
                finally
                {
                    if (_observer is null)
                    {
                        _activity.Exit();
                    }
                    else if (!written)
                    {
                        _observer.PacketNotWritten();
                    }
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The read loop reports why the connection ended.
        }
        finally
        {
            // Closed to new packets before the rest is released: one delivered while the loop
            // ends would otherwise sit in the queue with nobody to write or release it.
            _writeLoopEnded = true;
            _outbox.Writer.TryComplete();
            SignalIfWritable();
            while (_outbox.Reader.TryRead(out _))
            {
                _activity.Exit();
            }
        }
    }
}
