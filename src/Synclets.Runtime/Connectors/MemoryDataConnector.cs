namespace Synclets.Connectors;

/// <summary>A data connector that keeps the tree in memory; a parent left empty by a removal disappears.</summary>
/// <param name="depth">The depth of the tree.</param>
public sealed class MemoryDataConnector(int depth) : IDataConnector, IBulkDataReader
{
    private readonly MemoryTree<Atom> _tree = new(depth);

    /// <inheritdoc/>
    public int Depth => _tree.Depth;

    /// <inheritdoc/>
    public ValueTask<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_tree.TryGetLeaf(address, out var atom) ? atom : Atom.Absent);

    /// <inheritdoc/>
    public ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default)
    {
        if (atom.IsAbsent)
        {
            _tree.RemoveLeaf(address);
            return ValueTask.CompletedTask;
        }

        _tree.SetLeaf(address, atom, [], out _);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        _tree.RemoveLeaf(address);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_tree.ChildIds(address));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, Atom>> GetChildAtomsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_tree.Leaves(parentAddress));
}
