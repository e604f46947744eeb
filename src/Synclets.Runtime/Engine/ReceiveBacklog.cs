namespace Synclets;

/// <summary>
/// Measures the received messages waiting in a synclet's queue, so that a carrier able to stop
/// reading (a server reading a client's socket) can wait while the queue is full instead of
/// piling a fast sender's whole stream into memory, where the garbage collector carries it.
/// </summary>
/// <remarks>
/// The limit is in bytes of message text (two a UTF-16 unit, what the text takes in memory), not
/// in messages: a room of 200 clients sending one small change each never reaches it, while an
/// initial sync's messages of 100 KB and more do. A waiter goes on once the queue is down to half
/// the limit, not at the first free byte, so a paused reader resumes for a run of packets rather
/// than one at a time.
/// </remarks>
internal sealed class ReceiveBacklog(long limitBytes, SyncletMetrics metrics)
{
    private readonly Lock _gate = new();
    private int _messages;
    private long _bytes;
    private long _peakBytes;
    private bool _closed;
    private TaskCompletionSource? _drained;

    /// <summary>How many received messages wait to be handled.</summary>
    public int Messages => Volatile.Read(ref _messages);

    /// <summary>The bytes of text they hold.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The most bytes that ever waited at once.</summary>
    public long PeakBytes => Interlocked.Read(ref _peakBytes);

    /// <summary>The size a queued message counts for.</summary>
    public static long SizeOf(ReadOnlyMemory<char>[] messageParts)
    {
        var units = 0L;
        foreach (var part in messageParts)
        {
            units += part.Length;
        }

        return units * sizeof(char);
    }

    /// <summary>A message joined the queue.</summary>
    public void Added(long bytes)
    {
        Interlocked.Increment(ref _messages);
        metrics.Queued(1, bytes);
        var now = Interlocked.Add(ref _bytes, bytes);
        var peak = Interlocked.Read(ref _peakBytes);
        while (now > peak && Interlocked.CompareExchange(ref _peakBytes, now, peak) is var seen && seen != peak)
        {
            peak = seen;
        }
    }

    /// <summary>A message left the queue: it is being handled.</summary>
    public void Removed(long bytes)
    {
        Interlocked.Decrement(ref _messages);
        metrics.Queued(-1, -bytes);
        var now = Interlocked.Add(ref _bytes, -bytes);

        // Lock-free unless someone waits (a paused reader); the waiter checks the count again
        // after it registers, so a drain racing with it is never missed.
        if (now <= limitBytes / 2 && Volatile.Read(ref _drained) is not null)
        {
            Release();
        }
    }

    /// <summary>Completes at once while the queue is under the limit, else once it has drained to half of it.</summary>
    public ValueTask WhenBelowLimitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Read(ref _bytes) < limitBytes)
        {
            return ValueTask.CompletedTask;
        }

        Task drained;
        lock (_gate)
        {
            if (_closed)
            {
                return ValueTask.CompletedTask;
            }

            if (_drained is null)
            {
                Interlocked.Exchange(ref _drained, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            drained = _drained.Task;
        }

        if (Interlocked.Read(ref _bytes) <= limitBytes / 2)
        {
            Release(); // It drained while this waiter registered.
        }

        return new ValueTask(drained.WaitAsync(cancellationToken));
    }

    /// <summary>The synclet is gone and its queue will not drain: nobody waits any more.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }

        Release();
    }

    private void Release()
    {
        TaskCompletionSource? drained;
        lock (_gate)
        {
            (drained, _drained) = (_drained, null);
        }

        drained?.TrySetResult();
    }
}
