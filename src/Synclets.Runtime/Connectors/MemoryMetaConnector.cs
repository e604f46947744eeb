namespace Synclets.Connectors;

/// <summary>
/// A meta connector that keeps timestamps in memory and every parent's hash up to date as they
/// change: a write costs O(depth), a hash read O(1).
/// </summary>
/// <param name="depth">The depth of the tree.</param>
public sealed partial class MemoryMetaConnector(int depth) : IMetaConnector, IBulkMetaReader, IStoredHashes, ITombstoneCollector
{
    private readonly MemoryTree<string> _tree = new(depth);

    private long _tombstoneHorizon;

    // The branches from the root to the last write, reused: a synclet calls one method at a time.
    private readonly MemoryTree<string>.Branch[] _path = new MemoryTree<string>.Branch[depth];

    /// <inheritdoc/>
    public int Depth => _tree.Depth;

    /// <inheritdoc/>
    public ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_tree.TryGetLeaf(address, out var timestamp) ? timestamp : Timestamp.None);

    /// <inheritdoc/>
    public ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(timestamp);
        var path = _path.AsSpan(0, address.Count);
        var delta = Fnv1a.Hash(timestamp);
        if (_tree.SetLeaf(address, timestamp, path, out var previous))
        {
            delta ^= Fnv1a.Hash(previous);
        }

        var sequence = ++_lastSequence;
        foreach (var branch in path)
        {
            branch.Hash ^= delta;
            branch.Sequence = sequence;
        }

        if (_leafSequences is not null)
        {
            _leafSequences[address[0]] = sequence;
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<long> GetTombstoneHorizonAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_tombstoneHorizon);

    /// <inheritdoc/>
    public ValueTask SetTombstoneHorizonAsync(long horizon, CancellationToken cancellationToken = default)
    {
        _tombstoneHorizon = horizon;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Asks <paramref name="data"/> for the value of each timestamp stamped before the horizon.</remarks>
    public async ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken = default) =>
        (await RemoveTombstonesWithAddressesAsync(stampedBefore, data, cancellationToken).ConfigureAwait(false)).Removed;

    /// <summary>Removes the tombstones as <see cref="RemoveTombstonesAsync(string, IDataConnector, CancellationToken)"/> does, with their addresses.</summary>
    internal async ValueTask<(RemovedTombstones Removed, List<string[]> Addresses)> RemoveTombstonesWithAddressesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stampedBefore);
        ArgumentNullException.ThrowIfNull(data);
        var addresses = new List<string[]>();
        var removed = RemovedTombstones.None;
        foreach (var (address, timestamp) in _tree.FindLeaves(timestamp => string.CompareOrdinal(timestamp, stampedBefore) < 0))
        {
            if ((await data.GetAtomAsync(address, cancellationToken).ConfigureAwait(false)).IsAbsent)
            {
                RemoveTimestamp(address, timestamp);
                addresses.Add(address);
                removed = removed.Add(timestamp);
            }
        }

        if (removed.Count > 0)
        {
            Forgotten(); // A feed cannot carry a deletion forgotten: a peer that saw less syncs by hashes.
        }

        return (removed, addresses);
    }

    /// <summary>Removes one timestamp, taking its hash out of every parent's first (the removal prunes the branches it empties).</summary>
    private void RemoveTimestamp(string[] address, string timestamp)
    {
        var hash = Fnv1a.Hash(timestamp);
        for (var length = 0; length < address.Length; length++)
        {
            _tree.Find(address, length)!.Hash ^= hash;
        }

        _tree.RemoveLeaf(address);
        _leafSequences?.Remove(address[0]);
    }

    /// <summary>Drops every timestamp under a top-level id, keeping the root hash right.</summary>
    internal void Forget(string topLevelId)
    {
        uint hash;
        if (Depth == 1)
        {
            if (!_tree.TryGetLeaf([topLevelId], out var timestamp))
            {
                return;
            }

            hash = Fnv1a.Hash(timestamp);
        }
        else
        {
            hash = _tree.Find([topLevelId], 1)?.Hash ?? 0;
        }

        Forgotten();
        _leafSequences?.Remove(topLevelId);
        if (_tree.RemoveBranch(topLevelId))
        {
            _tree.Find([], 0)!.Hash ^= hash;
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_tree.ChildIds(address));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, string>> GetChildTimestampsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_tree.Leaves(parentAddress));

    /// <inheritdoc/>
    public ValueTask<uint> GetHashAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_tree.Find(parentAddress, parentAddress.Count)?.Hash ?? 0);
}
