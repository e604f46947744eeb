namespace Synclets;

/// <summary>
/// For a counter shared across a network connection in one process (tests, demos): the server
/// counts packets it wrote to one client, the client those it received; when either side closes,
/// the packets still on the wire will never arrive, so the ledger releases them from the counter.
/// </summary>
public sealed class WireLedger
{
    private readonly ActivityCounter _counter;
    private readonly Lock _gate = new();
    private long _written;
    private long _received;
    private bool _closed;

    internal WireLedger(ActivityCounter counter) => _counter = counter;

    /// <summary>The server is about to write a packet it counted when routing it (recorded first, so a fast receipt finds it).</summary>
    public void Written()
    {
        lock (_gate)
        {
            if (_closed)
            {
                _counter.Exit(); // No one will receive it.
                return;
            }

            _written++;
        }
    }

    /// <summary>The write announced by <see cref="Written"/> failed: the packet will never arrive.</summary>
    public void Unwritten()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return; // Close already released it.
            }

            _written--;
        }

        _counter.Exit();
    }

    /// <summary>The client received a packet; releases it from the counter unless the connection is closed.</summary>
    public void Received()
    {
        lock (_gate)
        {
            if (_closed || _received >= _written)
            {
                return;
            }

            _received++;
            _counter.Exit();
        }
    }

    /// <summary>The connection ended (either side): releases what was written and not received.</summary>
    public void Close()
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

        for (var i = 0; i < lost; i++)
        {
            _counter.Exit();
        }
    }
}
