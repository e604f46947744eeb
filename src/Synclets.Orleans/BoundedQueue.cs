namespace Synclets.Orleans;

/// <summary>
/// A queue bounded in bytes with one reader that takes what is there as a batch: the order of a
/// link between a node and its room, and its flow control. A writer past the bound is told so
/// (and decides what that costs); <see cref="WhenBelowHalfAsync"/> waits for room to send more.
/// </summary>
internal sealed class BoundedQueue<T>(long maxBytes, Func<T, long> sizeOf)
    where T : class
{
    private readonly Queue<T> _items = new();
    private readonly Lock _gate = new();
    private long _bytes;
    private bool _completed;
    private TaskCompletionSource? _nonEmpty;
    private TaskCompletionSource? _belowHalf;

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Adds an item; false when the queue is completed, or over its bound with it and <paramref name="evenPastBound"/> is false (it is not added then).</summary>
    public bool TryAdd(T item, bool evenPastBound = false)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            var size = sizeOf(item);
            if (_completed || (!evenPastBound && _bytes > 0 && _bytes + size > maxBytes))
            {
                return false;
            }

            _items.Enqueue(item);
            _bytes += size;
            wake = _nonEmpty;
            _nonEmpty = null;
        }

        wake?.TrySetResult();
        return true;
    }

    /// <summary>No more items; the reader takes what is left, then gets none.</summary>
    public void Complete()
    {
        TaskCompletionSource? wake, half;
        lock (_gate)
        {
            _completed = true;
            wake = _nonEmpty;
            half = _belowHalf;
            _nonEmpty = _belowHalf = null;
        }

        wake?.TrySetResult();
        half?.TrySetResult();
    }

    /// <summary>Waits for items and takes them all, at most <paramref name="maxItems"/>; an empty batch once completed and drained.</summary>
    public async Task<T[]> TakeAsync(int maxItems, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(maxItems, out var waiting) is { } batch)
            {
                return batch;
            }

            await waiting!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes what is there; null (and what to wait for) when nothing is yet.</summary>
    private T[]? TryTake(int maxItems, out Task? waiting)
    {
        TaskCompletionSource? half = null;
        T[] batch;
        lock (_gate)
        {
            waiting = null;
            if (_items.Count == 0)
            {
                if (_completed)
                {
                    return [];
                }

                waiting = (_nonEmpty ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                return null;
            }

            batch = new T[Math.Min(maxItems, _items.Count)];
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = _items.Dequeue();
                _bytes -= sizeOf(batch[i]);
            }

            if (_bytes <= maxBytes / 2)
            {
                half = _belowHalf;
                _belowHalf = null;
            }
        }

        half?.TrySetResult();
        return batch;
    }

    /// <summary>Completes once the queue holds at most half its bound (or is completed).</summary>
    public ValueTask WhenBelowHalfAsync(CancellationToken cancellationToken)
    {
        Task waiting;
        lock (_gate)
        {
            if (_completed || _bytes <= maxBytes / 2)
            {
                return ValueTask.CompletedTask;
            }

            waiting = (_belowHalf ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        return new ValueTask(waiting.WaitAsync(cancellationToken));
    }
}
