namespace Synclets.Orleans;

/// <summary>
/// The room's queue to one node's link, and the pump that drains it in order through the link's
/// observer: one call at a time, a batch of whatever is waiting. Bounded in bytes, so a node that
/// cannot keep up costs the room at most that much memory: past it, the node is dropped (its
/// clients reconnect elsewhere or again), as a slow connection is on a single server.
/// </summary>
internal sealed class NodeOutbox : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private readonly BoundedQueue<RoomDown> _queue;
    private readonly IRoomNode _observer;
    private readonly TimeSpan _slowTimeout;
    private readonly Action<NodeOutbox, string> _failed;
    private readonly CancellationTokenSource _closing = new();
    private readonly long _maxBytes;

    public NodeOutbox(string link, IRoomNode observer, long maxBytes, TimeSpan slowTimeout, Action<NodeOutbox, string> failed, long now)
    {
        Link = link;
        _observer = observer;
        _maxBytes = maxBytes;
        _slowTimeout = slowTimeout;
        _failed = failed;
        _queue = new BoundedQueue<RoomDown>(maxBytes, static packet => packet.Size);
        LastHeard = now;
        Pump = Task.Run(PumpAsync);
    }

    /// <summary>The link's id: one per node per room (a node that lost the room and comes back has a new one).</summary>
    public string Link { get; }

    /// <summary>When the node last called (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastHeard { get; set; }

    /// <summary>Drains the queue until it is closed.</summary>
    public Task Pump { get; }

    /// <summary>Queues a packet for the node; past the bound, the node is dropped as too slow.</summary>
    public void Post(RoomDown packet)
    {
        if (!_queue.TryAdd(packet) && !_closing.IsCancellationRequested)
        {
            _failed(this, $"it fell behind: over {_maxBytes} bytes queued for it");
        }
    }

    /// <summary>
    /// Completes once the queue is at most half full, so a reply to one of the node's connections
    /// goes at the pace the node (and that client) takes it; a node that does not drain within the
    /// slow timeout is dropped.
    /// </summary>
    public async ValueTask WhenReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _queue.WhenBelowHalfAsync(cancellationToken).AsTask().WaitAsync(_slowTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _failed(this, $"it took nothing for {_slowTimeout}");
        }
    }

    /// <summary>Stops the pump; what is still queued is not sent.</summary>
    public void Close()
    {
        _queue.Complete();
        _closing.Cancel();
    }

    /// <summary>Releases the pump's cancellation once the pump has ended.</summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        await Pump.ConfigureAwait(false);
        _closing.Dispose();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                var batch = await _queue.TakeAsync(MaxBatch, _closing.Token).ConfigureAwait(false);
                if (batch.Length == 0 || _closing.IsCancellationRequested)
                {
                    return;
                }

                await _observer.DeliverAsync(new RoomBatch<RoomDown>(batch)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closed.
        }
        catch (Exception exception)
        {
            // The node died, or its silo cannot be reached: it is dropped, and reconnects if it lives.
            _failed(this, $"a delivery failed ({exception.GetBaseException().Message})");
        }
    }
}
