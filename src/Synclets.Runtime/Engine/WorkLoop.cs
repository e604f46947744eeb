using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Synclets;

/// <summary>
/// A synclet's one line of work: every piece of work (a local change, a received message, a
/// read) runs here, one at a time, in the order it was posted, so nothing else touches the store
/// meanwhile and a read sees no half-done write. After each piece, the atoms it wrote are told to
/// observers. It counts work posted and not yet done, which is how the synclet says it is idle.
/// </summary>
internal sealed class WorkLoop : IIdleSource
{
    private readonly Channel<Func<ValueTask>> _inbox = Channel.CreateUnbounded<Func<ValueTask>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ActivityCounter _activity = new();
    private readonly PendingChanges _changes;
    private readonly Action<AtomsChangedEventArgs> _onChanged;
    private readonly ILogger _logger;
    private readonly string _logId;
    private readonly Task _loop;

    /// <param name="first">Runs before any work (it handles its own failures).</param>
    /// <param name="changes">The atoms each piece of work records as it writes.</param>
    /// <param name="onChanged">Tells observers what a piece of work wrote.</param>
    /// <param name="logger">Where a failing observer is reported.</param>
    /// <param name="logId">The synclet's id as log lines show it.</param>
    public WorkLoop(Func<ValueTask> first, PendingChanges changes, Action<AtomsChangedEventArgs> onChanged, ILogger logger, string logId)
    {
        _changes = changes;
        _onChanged = onChanged;
        _logger = logger;
        _logId = logId;
        _loop = Task.Run(() => RunLoopAsync(first));
    }

    /// <inheritdoc/>
    public bool IsIdle => _activity.IsIdle;

    /// <summary>True, inside a piece of work, when no other waits behind it.</summary>
    public bool NothingQueued => _activity.Active <= 1;

    /// <inheritdoc/>
    public long Generation => _activity.Generation;

    /// <inheritdoc/>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default) => _activity.WhenIdleAsync(cancellationToken);

    /// <summary>Queues <paramref name="work"/>; false when the loop has ended and will not run it.</summary>
    public bool Post(Func<ValueTask> work)
    {
        _activity.Enter();
        if (_inbox.Writer.TryWrite(work))
        {
            return true;
        }

        _activity.Exit(); // Ended: nothing will run it.
        return false;
    }

    /// <summary>Runs <paramref name="work"/> on the loop; its result or failure comes back through the task. Cancelled work that has not begun does not run.</summary>
    public Task<T> RunAsync<T>(Func<ValueTask<T>> work, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(async () =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                completion.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                completion.TrySetResult(await work().ConfigureAwait(false));
            }
#pragma warning disable CA1031 // The failure is handed to the caller through the task.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                completion.TrySetException(exception);
            }
        });
        return completion.Task;
    }

    /// <summary>Ends the loop once the work already posted has run.</summary>
    public Task CompleteAsync()
    {
        _inbox.Writer.TryComplete();
        return _loop;
    }

    private async Task RunLoopAsync(Func<ValueTask> first)
    {
        await first().ConfigureAwait(false);
        await foreach (var work in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
                if (_changes.Take() is { } changes)
                {
                    _onChanged(changes);
                }
            }
#pragma warning disable CA1031 // A failing change handler must not stop the loop.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.HandlingFailed(_logger, exception, _logId, "a change observer");
            }
            finally
            {
                _changes.Clear();
                _activity.Exit();
            }
        }
    }
}
