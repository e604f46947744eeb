using Synclets.Connectors;
using Synclets.Protocol;

namespace Synclets.Sqlite;

// Reading the typed tables: cells, timestamps (known for the unit of work, or prefetched), hashes and whole subtrees.
public sealed partial class TypedSqliteStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <inheritdoc/>
    public ValueTask<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        if (!_columnIndex.TryGetValue(address[1], out var column))
        {
            return ValueTask.FromResult(Atom.Absent);
        }

        if (_pending.TryGetValue(address[0], out var pending) && ((pending.Touched >> column.Bit) & 1) == 1)
        {
            return ValueTask.FromResult(pending.Atoms[column.Bit]);
        }

        return ValueTask.FromResult(ReadRow(address[0]).TryGetValue(address[1], out var atom) ? atom : Atom.Absent);
    }

    ValueTask<IReadOnlyCollection<string>> IDataConnector.GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken)
    {
        FlushRows();
        return ValueTask.FromResult<IReadOnlyCollection<string>>(address.Count switch
        {
            0 => _connection.ReadStrings($"SELECT {_key} FROM {_table}", _unit.Transaction),
            1 => [.. ReadRow(address[0]).Keys],
            _ => [],
        });
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, Atom>> GetChildAtomsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default)
    {
        return ValueTask.FromResult<IReadOnlyDictionary<string, Atom>>(ReadRow(parentAddress[0]));
    }

    /// <inheritdoc/>
    public ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        if (!_columnIndex.TryGetValue(address[1], out var column))
        {
            return ValueTask.FromResult(Timestamp.None);
        }

        if (_pending.TryGetValue(address[0], out var pending) && pending.Timestamps[column.Bit] is { } buffered)
        {
            return ValueTask.FromResult(buffered);
        }

        return ValueTask.FromResult(ReadTimestamps(address[0])[column.Bit] ?? Timestamp.None);
    }

    ValueTask<IReadOnlyCollection<string>> IMetaConnector.GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken)
    {
        FlushRows();
        return ValueTask.FromResult<IReadOnlyCollection<string>>(address.Count switch
        {
            0 => _connection.ReadStrings($"SELECT {_key} FROM {_meta}", _unit.Transaction),
            1 => [.. ReadTimestamps(address[0]).Keys],
            _ => [],
        });
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, string>> GetChildTimestampsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string>>(ReadTimestamps(parentAddress[0]));

    /// <inheritdoc/>
    public ValueTask PrefetchChildTimestampsAsync(IReadOnlyList<string> grandparentAddress, IReadOnlyCollection<string> parentIds, CancellationToken cancellationToken = default)
    {
        var unknown = parentIds.Where(id => !_knownTimestamps.ContainsKey(id)).ToList();
        if (!_unit.IsOpen || unknown.Count == 0 || unknown.Count > MaxKnownRows)
        {
            return ValueTask.CompletedTask;
        }

        if (_knownTimestamps.Count + unknown.Count > MaxKnownRows)
        {
            _knownTimestamps.Clear();
        }

        if (unknown.Any(id => _pending.TryGetValue(id, out var pending) && pending.MetaTouched != 0))
        {
            FlushRows(); // Rows written but not cached must reach the table before it is read.
        }

        foreach (var id in unknown)
        {
            _knownTimestamps[id] = new RowTimestamps(this);
        }

        _prefetchTimestamps.BindText(0, AtomJson.WriteAddress(unknown));
        while (_prefetchTimestamps.Read())
        {
            ReadTimestampColumns(_prefetchTimestamps, 1, _knownTimestamps[_prefetchTimestamps.GetString(0)]);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>The root's hash is stored; a row's is the XOR of its (at most 62) timestamps' hashes, computed from its one meta row.</remarks>
    public ValueTask<uint> GetHashAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default)
    {
        if (parentAddress.Count == 1)
        {
            var rowHash = 0u;
            var timestamps = ReadTimestamps(parentAddress[0]);
            for (var bit = 0; bit < _columns.Length; bit++)
            {
                rowHash ^= timestamps[bit] is { } timestamp ? Fnv1a.Hash(timestamp) : 0;
            }

            return ValueTask.FromResult(rowHash);
        }

        Flush();
        var hash = _connection.ReadInteger($"SELECT \"hash\" FROM {_hashes} WHERE \"parent\" = '[]'", _unit.Transaction);
        return ValueTask.FromResult(hash is { } value ? (uint)value : 0u);
    }

    /// <inheritdoc/>
    /// <remarks>SQLite reads synchronously, so this is a synchronous stream in asynchronous clothes.</remarks>
    public IAsyncEnumerable<SubtreeAtom> ReadSubtreeAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) =>
        ReadSubtree(parentAddress, cancellationToken).ToAsyncEnumerable();

    private IEnumerable<SubtreeAtom> ReadSubtree(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken)
    {
        FlushRows();
        var select = string.Join(", ", _columns.Select(c => "m." + SqliteSchema.Quote(c)).Concat(_columns.Select(c => "d." + SqliteSchema.Quote(c))));
        var sql = $"SELECT m.{_key}, {select}, d.\"absent\" FROM {_meta} m LEFT JOIN {_table} d ON d.{_key} = m.{_key}" + (parentAddress.Count == 1 ? $" WHERE m.{_key} = @key" : string.Empty) + $" ORDER BY m.{_key}";

        // Read on the raw handle: 21 cells a row through Microsoft.Data.Sqlite's reader cost more
        // than the join itself (each cell's type and text a checked, reference-counted call).
        using var rows = new RawStatement(_connection, sql, parentAddress.Count == 1 ? ["@key"] : []);
        if (parentAddress.Count == 1)
        {
            rows.Bind(0, parentAddress[0]);
        }

        foreach (var (address, timestamp, atom) in JoinedCells(rows, cancellationToken))
        {
            yield return new SubtreeAtom(address, timestamp, atom);
        }
    }

    /// <summary>
    /// The written cells of each row of a meta table joined with its data table, as read by
    /// <c>SELECT m.key, m.(timestamps), d.(cells), d."absent"</c>: the statement stays on a row
    /// while its cells are yielded, so a caller may read more columns of it.
    /// </summary>
    private IEnumerable<(string[] Address, string Timestamp, Atom Atom)> JoinedCells(RawStatement rows, CancellationToken cancellationToken)
    {
        var absentAt = 1 + (2 * _columns.Length);
        while (rows.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rowId = rows.GetString(0);
            var absent = rows.IsNull(absentAt) ? _allMask : rows.GetInt64(absentAt);
            for (var i = 0; i < _columns.Length; i++)
            {
                if (rows.GetTextOrNull(1 + i) is not { } timestamp)
                {
                    continue; // Never written.
                }

                var atom = ((absent >> i) & 1) == 1 ? Atom.Absent : ReadAtom(rows, 1 + _columns.Length + i, _kinds[i]);
                yield return (new[] { rowId, _columns[i] }, timestamp, atom); // An array, not a collection expression: that adds a read-only wrapper per atom.
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One query on the data table alone, no timestamps: every row, or the named ones (through
    /// <c>json_each</c>); a few named rows (one upsert's) through the kept one-row statement, which
    /// is cheaper than preparing a query.
    /// </remarks>
    public ValueTask ReadRowsAsync(IReadOnlyList<string> tableAddress, IReadOnlyCollection<string>? rowIds, RowVisitor onRow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onRow);
        if (rowIds is { Count: 0 })
        {
            return ValueTask.CompletedTask;
        }

        if (rowIds is { Count: <= FewRows })
        {
            foreach (var rowId in rowIds)
            {
                if (ReadRow(rowId) is { Count: > 0 } row)
                {
                    onRow(rowId, row);
                }
            }

            return ValueTask.CompletedTask;
        }

        FlushRows();
        var sql = $"SELECT {RowColumns} FROM {_table}"
            + (rowIds is null ? string.Empty : $" WHERE {_key} IN (SELECT value FROM json_each(@keys))");

        // A statement of its own, not a kept one: the visitor may throw with the query half read.
        using var rows = new RawStatement(_connection, sql, rowIds is null ? [] : ["@keys"]);
        if (rowIds is not null)
        {
            rows.BindText(0, AtomJson.WriteAddress([.. rowIds]));
        }

        VisitRows(rows, onRow, cancellationToken);
        return ValueTask.CompletedTask;
    }

    /// <summary>The select list of a query that reads whole rows: the key, every column, the absent mask.</summary>
    private string RowColumns => $"{_key}, {string.Join(", ", _columns.Select(SqliteSchema.Quote))}, \"absent\"";

    /// <summary>Calls <paramref name="onRow"/> for each row a <see cref="RowColumns"/> query reads that holds an atom.</summary>
    private void VisitRows(RawStatement rows, RowVisitor onRow, CancellationToken cancellationToken)
    {
        var cells = new Dictionary<string, Atom>(_columns.Length, StringComparer.Ordinal);
        var absentAt = 1 + _columns.Length;
        while (rows.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            cells.Clear();
            var absent = rows.GetInt64(absentAt);
            for (var i = 0; i < _columns.Length; i++)
            {
                if (((absent >> i) & 1) == 0)
                {
                    cells[_columns[i]] = ReadAtom(rows, 1 + i, _kinds[i]);
                }
            }

            if (cells.Count > 0)
            {
                onRow(rows.GetString(0), cells);
            }
        }
    }

    private Dictionary<string, Atom> ReadRow(string rowId)
    {
        if (_pending.TryGetValue(rowId, out var pending) && pending.Touched != 0)
        {
            FlushRows();
        }

        var atoms = new Dictionary<string, Atom>(_columns.Length, StringComparer.Ordinal);
        _selectRow.BindText(0, rowId);
        while (_selectRow.Read())
        {
            var absent = _selectRow.GetInt64(_columns.Length);
            for (var i = 0; i < _columns.Length; i++)
            {
                if (((absent >> i) & 1) == 0)
                {
                    atoms[_columns[i]] = ReadAtom(_selectRow, i, _kinds[i]);
                }
            }
        }

        return atoms;
    }

    /// <summary>A row's timestamps by column: known in this unit of work, or read (and then known).</summary>
    private RowTimestamps ReadTimestamps(string rowId)
    {
        if (_knownTimestamps.TryGetValue(rowId, out var known))
        {
            return known;
        }

        if (_pending.TryGetValue(rowId, out var pending) && pending.MetaTouched != 0)
        {
            FlushRows();
        }

        var timestamps = new RowTimestamps(this);
        _selectTimestamps.BindText(0, rowId);
        while (_selectTimestamps.Read())
        {
            ReadTimestampColumns(_selectTimestamps, 0, timestamps);
        }

        if (!_unit.IsOpen)
        {
            return timestamps; // Between units another connection may write: nothing is kept.
        }

        if (_knownTimestamps.Count >= MaxKnownRows)
        {
            _knownTimestamps.Clear();
        }

        _knownTimestamps[rowId] = timestamps;
        return timestamps;
    }

    private void ReadTimestampColumns(RawStatement rows, int first, RowTimestamps timestamps)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            timestamps[i] = rows.GetTextOrNull(first + i);
        }
    }

    /// <summary>A cell as an atom, read with the getter its column's kind calls for (no boxing).</summary>
    private static Atom ReadAtom(RawStatement rows, int column, AtomKind kind)
    {
        if (kind is not (AtomKind.Boolean or AtomKind.Number))
        {
            return rows.GetTextOrNull(column) is { } text ? Atom.FromString(text) : Atom.Null;
        }

        if (rows.IsNull(column))
        {
            return Atom.Null;
        }

        return kind == AtomKind.Boolean ? Atom.FromBoolean(rows.GetInt64(column) != 0) : Atom.FromNumber(rows.GetDouble(column));
    }

    /// <inheritdoc/>
    public ValueTask<string> GetLatestTimestampAsync(CancellationToken cancellationToken = default)
    {
        // SQLite's scalar max() of the per-column maxima; a column never written is NULL and ignored.
        var maxima = string.Join(" UNION ALL ", _columns.Select(column => $"SELECT MAX({SqliteSchema.Quote(column)}) AS t FROM {_meta}"));
        var latest = _connection.ReadString($"SELECT MAX(t) FROM ({maxima})", _unit.Transaction);
        return ValueTask.FromResult(latest ?? Timestamp.None);
    }
}
