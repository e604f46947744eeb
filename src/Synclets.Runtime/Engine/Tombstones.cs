using Synclets.Connectors;

namespace Synclets;

/// <summary>
/// A synclet's side of tombstone collection (docs/concepts.md, "Tombstones"): the store's horizon,
/// the check that keeps a forgotten deletion from being undone, collecting, and setting aside the
/// atoms of a replica that must rejoin. Work-loop only.
/// </summary>
/// <remarks>
/// A deleted atom keeps its timestamp so that an older copy of it cannot come back. Once that
/// timestamp is collected, an atom we do not know, stamped before the horizon, is either a row we
/// deleted and forgot or a write that never reached us in all that time: we cannot tell which, so
/// we refuse it and the writer hears why. Atoms we do know are merged as always, at any age.
/// </remarks>
internal sealed class Tombstones(StoreReader store, PendingChanges changes)
{
    private readonly ITombstoneCollector? _collection = store.Meta as ITombstoneCollector;

    /// <summary>The horizon as a timestamp (everything stamped before it sorts below), or null when nothing was collected.</summary>
    private string? _horizon;

    /// <summary>The horizon in milliseconds since the Unix epoch (0 when nothing was collected).</summary>
    public long Horizon { get; private set; }

    /// <summary>Reads the store's horizon, once at start.</summary>
    public async ValueTask LoadAsync(CancellationToken cancellationToken)
    {
        if (_collection is not null)
        {
            Remember(await _collection.GetTombstoneHorizonAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// True when a received atom must be refused: we have no timestamp for it (<paramref name="mine"/>
    /// is empty) and <paramref name="theirs"/> is older than the horizon.
    /// </summary>
    public bool IsForgottenHere(string mine, string theirs) =>
        _horizon is not null && mine.Length == 0 && string.CompareOrdinal(theirs, _horizon) < 0;

    /// <summary>
    /// Removes the tombstones stamped before <paramref name="horizon"/> and records, as the store's
    /// horizon, the millisecond after the newest of them (never lowering it): only a deletion this
    /// store forgot can be undone by a stale copy, so a store that forgot none (a new replica)
    /// keeps no horizon and takes every old row it is sent.
    /// </summary>
    /// <exception cref="NotSupportedException">The meta connector cannot collect tombstones.</exception>
    public async ValueTask<long> CollectAsync(long horizon, CancellationToken cancellationToken)
    {
        var collection = Require();
        var removed = await collection.RemoveTombstonesAsync(Stamp(horizon), store.Data, cancellationToken).ConfigureAwait(false);
        if (removed.Count > 0 && Timestamp.TryDecode(removed.Newest, out var newest, out _) && Math.Min(newest + 1, horizon) > Horizon)
        {
            var recorded = Math.Min(newest + 1, horizon);
            await collection.SetTombstoneHorizonAsync(recorded, cancellationToken).ConfigureAwait(false);
            Remember(recorded);
        }

        return removed.Count;
    }

    /// <summary>
    /// The first step of a rejoin: removes every atom stamped before <paramref name="horizon"/>, value
    /// and timestamp, without a tombstone (these are not deletions, and no peer hears of them), so
    /// that the peer's copy of them arrives as new. Returns the atoms that had values.
    /// </summary>
    /// <exception cref="NotSupportedException">The meta connector cannot remove timestamps.</exception>
    public async ValueTask<List<SubtreeAtom>> SetAsideAsync(long horizon, CancellationToken cancellationToken)
    {
        var collection = Require();
        var before = Stamp(horizon);
        var setAside = new List<SubtreeAtom>();
        await foreach (var atom in ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!atom.Atom.IsAbsent && string.CompareOrdinal(atom.Timestamp, before) < 0)
            {
                setAside.Add(atom);
            }
        }

        // Each value goes first; its timestamp, a tombstone now, goes with the old ones.
        foreach (var atom in setAside)
        {
            await store.Data.RemoveAtomAsync(atom.Address, cancellationToken).ConfigureAwait(false);
            changes.Record(atom.Address, Atom.Absent);
        }

        await collection.RemoveTombstonesAsync(before, store.Data, cancellationToken).ConfigureAwait(false);

        // The peers' copies of everything older are about to arrive: a horizon of our own would refuse them.
        await collection.SetTombstoneHorizonAsync(0, cancellationToken).ConfigureAwait(false);
        if (store.Meta is IChangeLog log)
        {
            // What our checkpoints vouch we hold was just set aside: the peers' feeds must start over.
            await log.ClearCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        }

        Remember(0);
        return setAside;
    }

    /// <summary>A horizon as the timestamp every stamp of an earlier millisecond sorts below.</summary>
    public static string Stamp(long horizon) => Timestamp.Encode(Math.Clamp(horizon, 0, Timestamp.MaxTime), 0, 0);

    private ITombstoneCollector Require() =>
        _collection ?? throw new NotSupportedException($"The meta connector {store.Meta.GetType().Name} cannot forget timestamps: it does not implement {nameof(ITombstoneCollector)}. Every connector of this library does.");

    private void Remember(long horizon)
    {
        Horizon = horizon;
        _horizon = horizon > 0 ? Stamp(horizon) : null;
    }

    /// <summary>Every atom with a timestamp, with its value: one stream where the store has one, else a walk.</summary>
    private IAsyncEnumerable<SubtreeAtom> ReadAllAsync(CancellationToken cancellationToken) =>
        store.Subtrees?.ReadSubtreeAsync([], cancellationToken) ?? WalkAsync([], cancellationToken);

    private async IAsyncEnumerable<SubtreeAtom> WalkAsync(List<string> path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in (await store.Meta.GetChildIdsAsync(path, cancellationToken).ConfigureAwait(false)).ToArray())
        {
            path.Add(id);
            if (path.Count == store.Meta.Depth)
            {
                var timestamp = await store.Meta.GetTimestampAsync(path, cancellationToken).ConfigureAwait(false);
                yield return new SubtreeAtom(path.ToArray(), timestamp, await store.Data.GetAtomAsync(path, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                await foreach (var atom in WalkAsync(path, cancellationToken).ConfigureAwait(false))
                {
                    yield return atom;
                }
            }

            path.RemoveAt(path.Count - 1);
        }
    }
}
