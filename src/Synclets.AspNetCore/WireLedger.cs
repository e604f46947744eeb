using Synclets.Transports;

namespace Synclets.AspNetCore;

/// <summary>
/// Both ends of one connection under an <see cref="InProcessWire"/>: the server counts the
/// packets it writes to the client, the client those it receives; when either side closes, the
/// packets still on the wire will never arrive, so the ledger releases them from the counter.
/// </summary>
internal sealed class WireLedger(ActivityCounter activity, Action forget) : IWebSocketConnectionObserver, IServerConnectionObserver
{
    private readonly Lock _gate = new();
    private long _written;
    private long _received;
    private bool _closed;

    /// <summary>The client counted the packet when it queued it; the room counts on from here.</summary>
    public void PacketRouted() => activity.Exit();

    /// <summary>Recorded before the write, so a fast receipt finds it.</summary>
    public void PacketWriting()
    {
        lock (_gate)
        {
            if (_closed)
            {
                activity.Exit(); // No one will receive it.
                return;
            }

            _written++;
        }
    }

    public void PacketNotWritten()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return; // The close already released it.
            }

            _written--;
        }

        activity.Exit();
    }

    /// <summary>Releases the packet unless the connection is closed (which released it).</summary>
    public void PacketReceived()
    {
        lock (_gate)
        {
            if (_closed || _received >= _written)
            {
                return;
            }

            _received++;
            activity.Exit();
        }
    }

    /// <summary>Either side: releases what was written and not received.</summary>
    public void Closed()
    {
        long lost;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            lost = _written - _received;
        }

        forget();

        for (var i = 0; i < lost; i++)
        {
            activity.Exit();
        }
    }
}
