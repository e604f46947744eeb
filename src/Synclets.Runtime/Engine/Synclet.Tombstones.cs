using Synclets.Connectors;

namespace Synclets;

// Tombstone collection and rejoining past a peer's horizon (docs/concepts.md, "Tombstones").
public sealed partial class Synclet
{
    /// <summary>
    /// Forgets the deletions stamped before <paramref name="stampedBefore"/>: their timestamps are
    /// removed from the store, in one unit of work, and the store remembers its horizon, the
    /// millisecond after the newest deletion it forgot. From then on a received write of an atom
    /// this store does not have, stamped before the horizon, is
    /// refused (it may be a copy of a row deleted here), and its writer is told to rejoin (see
    /// <see cref="RejoinAsync"/>). Atoms the store has merge as always.
    /// </summary>
    /// <param name="stampedBefore">The horizon; no later than now. Choose it further back than any replica stays offline.</param>
    /// <param name="cancellationToken">Cancels before the work starts.</param>
    /// <returns>How many tombstones were removed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stampedBefore"/> is in the future.</exception>
    /// <exception cref="NotSupportedException">The meta connector does not implement <see cref="ITombstoneCollector"/>.</exception>
    public Task<long> CollectTombstonesAsync(DateTimeOffset stampedBefore, CancellationToken cancellationToken = default)
    {
        if (stampedBefore > _time.GetUtcNow())
        {
            throw new ArgumentOutOfRangeException(nameof(stampedBefore), stampedBefore, "The tombstone horizon cannot be in the future: every new write from a peer would be refused.");
        }

        return RunAsync(() => _unit.RunAsync(() => CollectNowAsync(stampedBefore, CancellationToken.None)), cancellationToken);
    }

    /// <summary>
    /// Rejoins after this replica was away longer than a peer keeps deletions (its acknowledgement
    /// said so: <see cref="WritesRefusedEventArgs.Horizon"/>). Every atom stamped before
    /// <paramref name="horizon"/> is set aside (removed here, with no tombstone, and no peer told),
    /// the peers send back their copies, and once in sync (as <see cref="WhenSyncedAsync"/>) the
    /// set-aside atoms that did not come back are returned: rows deleted there long ago, or edits
    /// of this replica older than the horizon that never reached the peer. Write again those the
    /// user wants kept; they get new timestamps and sync as new writes.
    /// </summary>
    /// <param name="horizon">The peer's horizon, from <see cref="WritesRefusedEventArgs.Horizon"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the peers; what was set aside stays set aside.</param>
    /// <returns>The atoms set aside that no peer had, with their old timestamps.</returns>
    /// <exception cref="InvalidOperationException">The synclet is not started.</exception>
    /// <exception cref="NotSupportedException">The meta connector does not implement <see cref="ITombstoneCollector"/>.</exception>
    public async Task<IReadOnlyList<SubtreeAtom>> RejoinAsync(DateTimeOffset horizon, CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            throw new InvalidOperationException("Start the synclet first: a rejoin takes the peers' copies.");
        }

        var setAside = await RunAsync(() => _unit.RunAsync(() => _tombstones.SetAsideAsync(horizon.ToUnixTimeMilliseconds(), cancellationToken)), cancellationToken).ConfigureAwait(false);
        await SyncAsync([], cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WhenSyncedAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (WritesRefusedException refused) when (refused.Refused.Horizon is not null && attempt < 3)
            {
                // Refusals of what we sent before setting it aside: the peer answers in order, so
                // one more round trip carries none of them. (Nothing stamped before the horizon is left here to refuse.)
            }
        }

        var dropped = await RunAsync(async () =>
        {
            var gone = new List<SubtreeAtom>();
            foreach (var atom in setAside)
            {
                if ((await _store.Meta.GetTimestampAsync(atom.Address, cancellationToken).ConfigureAwait(false)).Length == 0)
                {
                    gone.Add(atom);
                }
            }

            return gone;
        }, cancellationToken).ConfigureAwait(false);
        Log.Rejoined(_logger, _logId, horizon, setAside.Count, dropped.Count);
        return dropped;
    }

    private async ValueTask<long> CollectNowAsync(DateTimeOffset stampedBefore, CancellationToken cancellationToken)
    {
        var removed = await _tombstones.CollectAsync(stampedBefore.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        _metrics.TombstonesCollected.Add(removed);
        Log.CollectedTombstones(_logger, _logId, removed, stampedBefore);
        return removed;
    }

    /// <summary>
    /// With <see cref="SyncletOptions.KeepTombstonesFor"/> set, at start (on the work loop, before
    /// the first message is handled): collects now, then every interval.
    /// </summary>
    private async ValueTask StartCollectingTombstonesAsync()
    {
        if (_keepTombstonesFor is { } keep && _tombstoneTimer is null)
        {
            var interval = _tombstoneCollectionInterval;
            await CollectByPolicyAsync(keep, interval).ConfigureAwait(false);
            _tombstoneTimer = _time.CreateTimer(_ => Post(() => CollectByPolicyAsync(keep, interval)), null, interval, interval);
        }
    }

    private void StopCollectingTombstones()
    {
        _tombstoneTimer?.Dispose();
        _tombstoneTimer = null;
    }

    private async ValueTask CollectByPolicyAsync(TimeSpan keep, TimeSpan interval)
    {
        try
        {
            await _unit.RunAsync(() => CollectNowAsync(_time.GetUtcNow() - keep, CancellationToken.None)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A store that fails now is tried again at the next interval; the loop must run.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.CollectingTombstonesFailed(_logger, exception, _logId, interval);
        }
    }
}
