namespace Synclets.Connectors;

/// <summary>A data connector that keeps the tree in memory; a parent left empty by a removal disappears.</summary>
/// <param name="depth">The depth of the tree.</param>
public sealed class MemoryDataConnector(int depth) : IDataConnector, IBulkDataReader, IRowReader, IRowQueryReader
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

    /// <inheritdoc/>
    /// <remarks>Each row is visited with its live atoms, without a copy.</remarks>
    public ValueTask ReadRowsAsync(IReadOnlyList<string> tableAddress, IReadOnlyCollection<string>? rowIds, RowVisitor onRow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onRow);
        if (tableAddress.Count != Depth - 2)
        {
            throw new ArgumentException($"Row reads take a table two levels above the atoms ({Depth - 2} ids), not {tableAddress.Count}.", nameof(tableAddress));
        }

        if (_tree.Find(tableAddress, tableAddress.Count)?.Branches is not { } rows)
        {
            return ValueTask.CompletedTask;
        }

        foreach (var rowId in rowIds ?? rows.Keys)
        {
            if (rows.TryGetValue(rowId, out var row) && row.Leaves is { Count: > 0 } cells)
            {
                onRow(rowId, cells);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Runs the query over the live rows, copying none of them.</remarks>
    public ValueTask QueryRowsAsync(IReadOnlyList<string> tableAddress, RowQuery query, RowVisitor onRow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(onRow);
        return RowQueryRunner.VisitAsync(visit => ReadRowsAsync(tableAddress, rowIds: null, visit, cancellationToken), query, copyCells: false, onRow);
    }
}
