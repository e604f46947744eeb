using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Synclets.Transports;

namespace Synclets.AspNetCore;

/// <summary>One client's WebSocket in a room: a read loop that routes its packets, a write loop that drains its own bounded queue.</summary>
internal sealed class Connection : IHubMember
{
    private readonly WebSocket _socket;
    private readonly Channel<string> _outbox;
    private readonly ActivityCounter _activity;
    private readonly WireLedger? _ledger;
    private volatile bool _writeLoopEnded;

    public Connection(string id, WebSocket socket, int maxQueued, ActivityCounter activity, WireLedger? ledger)
    {
        Id = id;
        _socket = socket;
        _activity = activity;
        _ledger = ledger;
        _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(maxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public string Id { get; }

    /// <summary>The authenticated user of the request that opened the connection.</summary>
    public System.Security.Claims.ClaimsPrincipal? User { get; init; }

    /// <summary>True when the connection may read but not write.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Set when the connection could not keep up and must be closed.</summary>
    public bool TooSlow { get; private set; }

    /// <summary>Cancelled when the connection must end now (it fell too far behind).</summary>
    public CancellationTokenSource Closing { get; } = new();

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

        if (!_outbox.Writer.TryWrite(packet))
        {
            if (_writeLoopEnded)
            {
                _activity.Exit(); // The connection is over: nobody will write it.
                return;
            }

            TooSlow = true;
            _activity.Exit();
            _outbox.Writer.TryComplete();
            Closing.Cancel();
        }
    }

    /// <summary>True when the client shares the activity counter (it counted what it sends; it releases what it receives).</summary>
    public bool SharesActivity => _ledger is not null;

    public void Complete()
    {
        _outbox.Writer.TryComplete();
        _ledger?.Close();
    }

    /// <summary>Writes queued packets until the connection ends; then releases what is still queued.</summary>
    public async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var packet in _outbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // With a shared counter the client releases the packet on receipt, so the ledger hears of it before it can arrive.
                _ledger?.Written();
                var written = false;
                try
                {
                    await _socket.SendTextAsync(packet, cancellationToken).ConfigureAwait(false);
                    written = true;
                }
                finally
                {
                    if (_ledger is null)
                    {
                        _activity.Exit();
                    }
                    else if (!written)
                    {
                        _ledger.Unwritten();
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
            while (_outbox.Reader.TryRead(out _))
            {
                _activity.Exit();
            }
        }
    }
}
