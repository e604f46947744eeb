using Synclets.Connectors;

namespace Synclets;

/// <summary>
/// Reads a synclet's connectors, for the protocol and the public reads alike: the one place that
/// knows the optional capabilities (bulk and row reads, stored hashes, subtree streams, prefetch,
/// the latest timestamp) and falls back to the calls every connector has where one is missing.
/// </summary>
internal sealed class StoreReader(IDataConnector data, IMetaConnector meta)
{
    private readonly IBulkDataReader? _bulkData = data as IBulkDataReader;
    private readonly IBulkMetaReader? _bulkMeta = meta as IBulkMetaReader;
    private readonly IRowReader? _rows = data as IRowReader;
    private readonly IRowQueryReader? _queries = data as IRowQueryReader;
    private readonly IStoredHashes? _storedHashes = meta as IStoredHashes;
    private readonly ITimestampPrefetch? _prefetch = meta as ITimestampPrefetch;
    private readonly ILatestTimestamp? _latest = meta as ILatestTimestamp;

    public IDataConnector Data => data;

    public IMetaConnector Meta => meta;

    /// <summary>The meta connector's subtree stream, or null when it has none.</summary>
    public ISubtreeReader? Subtrees { get; } = meta as ISubtreeReader;

    /// <summary>What the data connector cannot store, or null when it stores every atom.</summary>
    public IStorageRules? StorageRules { get; } = data as IStorageRules;

    /// <summary>Reads ahead the timestamps of these rows, when the meta connector can (see <see cref="ITimestampPrefetch"/>).</summary>
    public ValueTask PrefetchAsync(IReadOnlyList<string> grandparent, IReadOnlyCollection<string> parentIds) =>
        _prefetch?.PrefetchChildTimestampsAsync(grandparent, parentIds) ?? ValueTask.CompletedTask;

    /// <summary>Every timestamp under a parent one level above the atoms in one read, or null when the meta connector cannot (then read them one by one).</summary>
    public async ValueTask<IReadOnlyDictionary<string, string>?> TryReadTimestampsAsync(IReadOnlyList<string> parent) =>
        _bulkMeta is null ? null : await _bulkMeta.GetChildTimestampsAsync(parent).ConfigureAwait(false);

    /// <summary>The timestamps of <paramref name="ids"/> under a parent one level above the atoms.</summary>
    public async ValueTask<IReadOnlyDictionary<string, string>> ReadTimestampsAsync(List<string> parent, IReadOnlyCollection<string> ids)
    {
        if (_bulkMeta is not null)
        {
            return await _bulkMeta.GetChildTimestampsAsync(parent).ConfigureAwait(false);
        }

        var timestamps = new Dictionary<string, string>(ids.Count, StringComparer.Ordinal);
        foreach (var id in ids)
        {
            parent.Add(id);
            timestamps[id] = await meta.GetTimestampAsync(parent).ConfigureAwait(false);
            parent.RemoveAt(parent.Count - 1);
        }

        return timestamps;
    }

    /// <summary>The atoms of <paramref name="ids"/> under a parent one level above the atoms (absent ones may be left out).</summary>
    public async ValueTask<IReadOnlyDictionary<string, Atom>> ReadAtomsAsync(List<string> parent, IReadOnlyCollection<string> ids)
    {
        if (_bulkData is not null)
        {
            return await _bulkData.GetChildAtomsAsync(parent).ConfigureAwait(false);
        }

        var atoms = new Dictionary<string, Atom>(ids.Count, StringComparer.Ordinal);
        foreach (var id in ids)
        {
            parent.Add(id);
            atoms[id] = await data.GetAtomAsync(parent).ConfigureAwait(false);
            parent.RemoveAt(parent.Count - 1);
        }

        return atoms;
    }

    /// <summary>The atoms directly under a parent one level above the atoms, absent ones left out (a copy).</summary>
    public async ValueTask<Dictionary<string, Atom>> ReadCellsAsync(IReadOnlyList<string> parent, CancellationToken cancellationToken)
    {
        var cells = new Dictionary<string, Atom>(StringComparer.Ordinal);
        if (_bulkData is not null)
        {
            foreach (var (id, atom) in await _bulkData.GetChildAtomsAsync(parent, cancellationToken).ConfigureAwait(false))
            {
                if (!atom.IsAbsent)
                {
                    cells[id] = atom;
                }
            }

            return cells;
        }

        var address = new List<string>(parent) { string.Empty };
        foreach (var id in await data.GetChildIdsAsync(parent, cancellationToken).ConfigureAwait(false))
        {
            address[^1] = id;
            var atom = await data.GetAtomAsync(address, cancellationToken).ConfigureAwait(false);
            if (!atom.IsAbsent)
            {
                cells[id] = atom;
            }
        }

        return cells;
    }

    /// <summary>
    /// Visits the rows of a table (the parent two levels above the atoms) that hold an atom, or
    /// only those of <paramref name="rowIds"/>: one query when the data connector reads rows (see
    /// <see cref="IRowReader"/>), one streamed query when the meta connector reads subtrees, else
    /// a read a row.
    /// </summary>
    public async ValueTask ReadRowsAsync(IReadOnlyList<string> table, IReadOnlyCollection<string>? rowIds, RowVisitor onRow, CancellationToken cancellationToken)
    {
        if (_rows is not null)
        {
            await _rows.ReadRowsAsync(table, rowIds, onRow, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (rowIds is null && Subtrees is not null)
        {
            await ReadRowsFromSubtreeAsync(table, onRow, cancellationToken).ConfigureAwait(false);
            return;
        }

        var row = new List<string>(table) { string.Empty };
        foreach (var id in rowIds ?? await data.GetChildIdsAsync(table, cancellationToken).ConfigureAwait(false))
        {
            row[^1] = id;
            if (await ReadCellsAsync(row, cancellationToken).ConfigureAwait(false) is { Count: > 0 } cells)
            {
                onRow(id, cells);
            }
        }
    }

    /// <summary>
    /// Visits the rows of a table that <paramref name="query"/> selects, in its order: run by the
    /// data connector when it can (see <see cref="IRowQueryReader"/>), else over the rows read here.
    /// </summary>
    public async ValueTask QueryRowsAsync(IReadOnlyList<string> table, RowQuery query, RowVisitor onRow, CancellationToken cancellationToken)
    {
        if (_queries is not null)
        {
            await _queries.QueryRowsAsync(table, query, onRow, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Rows read through a database's reader may share one dictionary of cells: copied.
        await RowQueryRunner.VisitAsync(visit => ReadRowsAsync(table, rowIds: null, visit, cancellationToken), query, copyCells: true, onRow).ConfigureAwait(false);
    }

    /// <summary>The rows of a table from its subtree, which holds each row's atoms together.</summary>
    private async ValueTask ReadRowsFromSubtreeAsync(IReadOnlyList<string> table, RowVisitor onRow, CancellationToken cancellationToken)
    {
        string? rowId = null;
        var cells = new Dictionary<string, Atom>(StringComparer.Ordinal);
        await foreach (var (address, _, atom) in Subtrees!.ReadSubtreeAsync(table, cancellationToken).ConfigureAwait(false))
        {
            var id = address[table.Count];
            if (!string.Equals(id, rowId, StringComparison.Ordinal))
            {
                if (rowId is not null && cells.Count > 0)
                {
                    onRow(rowId, cells);
                }

                rowId = id;
                cells.Clear();
            }

            if (!atom.IsAbsent)
            {
                cells[address[^1]] = atom;
            }
        }

        if (rowId is not null && cells.Count > 0)
        {
            onRow(rowId, cells);
        }
    }

    /// <summary>The hash of a parent: stored by the meta connector, or computed from every timestamp below.</summary>
    public async ValueTask<uint> GetHashAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        _storedHashes is not null
            ? await _storedHashes.GetHashAsync(address, cancellationToken).ConfigureAwait(false)
            : await ComputeHashAsync(new List<string>(address), cancellationToken).ConfigureAwait(false);

    private async ValueTask<uint> ComputeHashAsync(List<string> path, CancellationToken cancellationToken)
    {
        uint hash = 0;
        foreach (var id in await meta.GetChildIdsAsync(path, cancellationToken).ConfigureAwait(false))
        {
            path.Add(id);
            hash ^= path.Count == meta.Depth
                ? Fnv1a.Hash(await meta.GetTimestampAsync(path, cancellationToken).ConfigureAwait(false))
                : await ComputeHashAsync(path, cancellationToken).ConfigureAwait(false);
            path.RemoveAt(path.Count - 1);
        }

        return hash;
    }

    /// <summary>The newest timestamp stored: one query where the meta connector knows it, else a walk of every timestamp.</summary>
    public async ValueTask<string> GetLatestTimestampAsync(CancellationToken cancellationToken) =>
        _latest is not null
            ? await _latest.GetLatestTimestampAsync(cancellationToken).ConfigureAwait(false)
            : await FindLatestTimestampAsync([], cancellationToken).ConfigureAwait(false);

    private async ValueTask<string> FindLatestTimestampAsync(List<string> path, CancellationToken cancellationToken)
    {
        var latest = Timestamp.None;
        foreach (var id in await meta.GetChildIdsAsync(path, cancellationToken).ConfigureAwait(false))
        {
            path.Add(id);
            var candidate = path.Count == meta.Depth
                ? await meta.GetTimestampAsync(path, cancellationToken).ConfigureAwait(false)
                : await FindLatestTimestampAsync(path, cancellationToken).ConfigureAwait(false);
            path.RemoveAt(path.Count - 1);
            if (string.CompareOrdinal(candidate, latest) > 0)
            {
                latest = candidate;
            }
        }

        return latest;
    }
}
