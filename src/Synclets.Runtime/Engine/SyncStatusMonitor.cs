using System.Threading.Channels;
using Synclets.Transports;

namespace Synclets;

/// <summary>
/// Follows where a synclet stands with its server (<see cref="SyncStatus"/>): offline,
/// connecting, syncing, in sync. "In sync" is a peer's acknowledgement that it stored everything
/// we sent and holds the same tree (<see cref="Synclet.WhenSyncedAsync"/>), asked again after
/// every change and every reconnection, so an app need not write its own status tracker.
/// </summary>
/// <example><code>
/// await using var status = new SyncStatusMonitor(synclet, transport);
/// status.StatusChanged += (_, now) => statusBar.Text = now.ToString();
/// await status.WhenStatusAsync(SyncStatus.InSync, cancellationToken);
/// </code></example>
public sealed class SyncStatusMonitor : IAsyncDisposable
{
    private readonly Synclet _synclet;
    private readonly Transport[] _transports;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<(SyncStatus Wanted, TaskCompletionSource Reached)> _waiters = [];
    private readonly Task _loop;
    private CancellationTokenSource? _attempt;
    private SyncStatus _status = SyncStatus.Offline;

    /// <summary>Starts following <paramref name="synclet"/>, whose connection to the server is <paramref name="transports"/>.</summary>
    public SyncStatusMonitor(Synclet synclet, params Transport[] transports)
    {
        ArgumentNullException.ThrowIfNull(synclet);
        ArgumentNullException.ThrowIfNull(transports);
        _synclet = synclet;
        _transports = transports;
        foreach (var transport in _transports)
        {
            transport.ConnectionChanged += OnConnectionChanged;
        }

        _synclet.AtomsChanged += OnAtomsChanged;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Where the synclet stands now.</summary>
    public SyncStatus Status => _status;

    /// <summary>Raised, on a background thread, each time <see cref="Status"/> changes, with the new status.</summary>
    public event EventHandler<SyncStatus>? StatusChanged;

    /// <summary>Completes when <see cref="Status"/> is <paramref name="wanted"/> (at once if it is now).</summary>
    public Task WhenStatusAsync(SyncStatus wanted, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_status == wanted)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((wanted, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops following the synclet (the synclet itself goes on).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var transport in _transports)
        {
            transport.ConnectionChanged -= OnConnectionChanged;
        }

        _synclet.AtomsChanged -= OnAtomsChanged;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private bool Connected => _synclet.IsStarted && _transports.Any(transport => transport.IsConnected);

    private void OnAtomsChanged(object? sender, AtomsChangedEventArgs e) => _wake.Writer.TryWrite(true);

    private void OnConnectionChanged(object? sender, EventArgs e)
    {
        if (!Connected)
        {
            try
            {
                _attempt?.Cancel(); // Waiting for a server we no longer reach would show "syncing" while offline.
            }
            catch (ObjectDisposedException)
            {
                // That attempt just ended.
            }
        }

        _wake.Writer.TryWrite(true);
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (!Connected)
                {
                    Set(_synclet.IsStarted && _transports.Any(transport => transport.IsConnecting) ? SyncStatus.Connecting : SyncStatus.Offline);
                    await _wake.Reader.ReadAsync(stopping).ConfigureAwait(false);
                    continue;
                }

                Set(SyncStatus.Syncing);
                _attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                try
                {
                    await _synclet.WhenSyncedAsync(_attempt.Token).ConfigureAwait(false);
                    Set(SyncStatus.InSync);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    continue; // The connection dropped: see where we stand now.
                }
                catch (Exception exception) when (exception is WritesRefusedException or InvalidOperationException or ObjectDisposedException)
                {
                    // Refused writes (the synclet raised WritesRefused) keep us "syncing"; a stopped
                    // or disposed synclet shows as offline at the next look.
                }
                finally
                {
                    _attempt.Dispose();
                    _attempt = null;
                }

                await _wake.Reader.ReadAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private void Set(SyncStatus status)
    {
        List<TaskCompletionSource>? reached = null;
        lock (_gate)
        {
            if (_status == status)
            {
                return;
            }

            _status = status;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Wanted == status)
                {
                    (reached ??= []).Add(_waiters[i].Reached);
                    _waiters.RemoveAt(i);
                }
            }
        }

        StatusChanged?.Invoke(this, status);
        foreach (var waiter in reached ?? [])
        {
            waiter.TrySetResult();
        }
    }
}
