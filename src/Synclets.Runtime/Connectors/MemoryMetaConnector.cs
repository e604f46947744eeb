namespace Synclets.Connectors;

/// <summary>
/// A meta connector that keeps timestamps in memory and every parent's hash up to date as they
/// change: a write costs O(depth), a hash read O(1).
/// </summary>
/// <param name="depth">The depth of the tree.</param>
public sealed class MemoryMetaConnector(int depth) : IMetaConnector, IBulkMetaReader, IStoredHashes
{
    private readonly MemoryTree<string> _tree = new(depth);

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

        foreach (var branch in path)
        {
            branch.Hash ^= delta;
        }

        return ValueTask.CompletedTask;
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
