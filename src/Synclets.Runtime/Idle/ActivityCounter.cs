namespace Synclets;

/// <summary>
/// Counts work in progress and signals when it drops to zero. Work handed from one place to
/// another must enter the next counter before it exits this one, so idle is never seen early.
/// </summary>
public sealed class ActivityCounter : IIdleSource
{
    private readonly Lock _gate = new();
    private long _active;
    private long _generation;
    private TaskCompletionSource? _idle;

    /// <inheritdoc/>
    public bool IsIdle => Interlocked.Read(ref _active) == 0;

    /// <summary>How many pieces of work are under way (queued or running).</summary>
    internal long Active => Interlocked.Read(ref _active);

    /// <inheritdoc/>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Records that one piece of work has started.</summary>
    public void Enter()
    {
        lock (_gate)
        {
            _active++;
            _generation++;
        }
    }

    /// <summary>Records that one piece of work has finished.</summary>
    public void Exit()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (_active == 0)
            {
                throw new InvalidOperationException("ActivityCounter.Exit was called more often than Enter.");
            }

            if (--_active == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    /// <inheritdoc/>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        Task task;
        lock (_gate)
        {
            if (_active == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _idle.Task;
        }

        return task.WaitAsync(cancellationToken);
    }
}
