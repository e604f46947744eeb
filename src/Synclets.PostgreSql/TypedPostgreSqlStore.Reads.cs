using System.Collections.ObjectModel;
using Npgsql;
using NpgsqlTypes;
using Synclets.Connectors;

namespace Synclets.PostgreSql;

// Reading: what the unit of work buffered first, then the tables (after sending the buffer where a
// read covers more than one row).
public sealed partial class TypedPostgreSqlStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    private static readonly IReadOnlyDictionary<string, Atom> NoAtoms = ReadOnlyDictionary<string, Atom>.Empty;

    /// <inheritdoc/>
    public async ValueTask<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        if (address.Count != 2 || !_bits.TryGetValue(address[1], out var bit))
        {
            return Atom.Absent;
        }

        if (_pending.TryGetValue(address[0], out var pending) && ((pending.Touched >> bit) & 1) == 1)
        {
            return pending.Atoms[bit];
        }

        return (await ReadRowAsync(address[0], cancellationToken).ConfigureAwait(false)).TryGetValue(address[1], out var atom) ? atom : Atom.Absent;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<string, Atom>> GetChildAtomsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) =>
        parentAddress.Count == 1 ? await ReadRowAsync(parentAddress[0], cancellationToken).ConfigureAwait(false) : NoAtoms;

    /// <inheritdoc/>
    async ValueTask<IReadOnlyCollection<string>> IDataConnector.GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken) => address.Count switch
    {
        0 => await KeysAsync(_table, cancellationToken).ConfigureAwait(false),
        1 => [.. (await ReadRowAsync(address[0], cancellationToken).ConfigureAwait(false)).Keys],
        _ => [],
    };

    /// <inheritdoc/>
    async ValueTask<IReadOnlyCollection<string>> IMetaConnector.GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken) => address.Count switch
    {
        0 => await KeysAsync(_meta, cancellationToken).ConfigureAwait(false),
        1 => [.. (await GetChildTimestampsAsync(address, cancellationToken).ConfigureAwait(false)).Keys],
        _ => [],
    };

    /// <inheritdoc/>
    /// <remarks>One query on the data table alone, no timestamps: every row, or the named ones.</remarks>
    public async ValueTask ReadRowsAsync(IReadOnlyList<string> tableAddress, IReadOnlyCollection<string>? rowIds, RowVisitor onRow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onRow);
        if (rowIds is { Count: 0 })
        {
            return;
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(string RowId, Dictionary<string, Atom> Cells)>();
        object[] keys = rowIds is null ? [] : [KeyArray(rowIds)];
        await _session.ReadAsync($"SELECT {RowColumns} FROM {_table}{(rowIds is null ? string.Empty : $" WHERE {_key} = ANY($1)")}", reader => rows.Add((reader.GetString(0), ReadCells(reader, 1))), cancellationToken, keys).ConfigureAwait(false);
        foreach (var (rowId, cells) in rows)
        {
            if (cells.Count > 0)
            {
                onRow(rowId, cells); // After the query: the visitor may throw, or read the store itself.
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        if (address.Count != 2 || !_bits.TryGetValue(address[1], out var bit))
        {
            return Timestamp.None;
        }

        return (await RowTimestampsAsync(address[0], cancellationToken).ConfigureAwait(false))[bit] ?? Timestamp.None;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<string, string>> GetChildTimestampsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default)
    {
        var timestamps = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parentAddress.Count == 1)
        {
            var row = await RowTimestampsAsync(parentAddress[0], cancellationToken).ConfigureAwait(false);
            for (var bit = 0; bit < _columns.Length; bit++)
            {
                if (row[bit] is { } timestamp)
                {
                    timestamps[_columns[bit].Id] = timestamp;
                }
            }
        }

        return timestamps;
    }

    /// <inheritdoc/>
    /// <remarks>One query for every named row not yet known in this unit of work; only inside one (the cache ends with it).</remarks>
    public async ValueTask PrefetchChildTimestampsAsync(IReadOnlyList<string> grandparentAddress, IReadOnlyCollection<string> parentIds, CancellationToken cancellationToken = default)
    {
        if (!_session.InUnit || grandparentAddress.Count != 0 || parentIds.Where(id => !_knownTimestamps.ContainsKey(id)).ToArray() is not { Length: > 0 } unknown)
        {
            return;
        }

        foreach (var id in unknown)
        {
            _knownTimestamps[id] = new string?[_columns.Length];
            _newRows.Add(id); // Until the read finds its row.
        }

        await _session.ReadAsync($"SELECT {_key}, {TimestampColumns} FROM {_meta} WHERE {_key} = ANY($1)", reader =>
        {
            var rowId = reader.GetString(0);
            ReadTimestamps(reader, 1, _knownTimestamps[rowId]);
            _newRows.Remove(rowId);
        }, cancellationToken, KeyArray(unknown)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>The root's hash is stored (plus what this unit changed, not yet sent; rebuilt when another program wrote the meta table); a row's is the XOR of its timestamps' hashes, from its one meta row.</remarks>
    public async ValueTask<uint> GetHashAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default)
    {
        if (parentAddress.Count == 1)
        {
            var rowHash = 0u;
            foreach (var timestamp in await RowTimestampsAsync(parentAddress[0], cancellationToken).ConfigureAwait(false))
            {
                rowHash ^= timestamp is null ? 0 : Fnv1a.Hash(timestamp);
            }

            return rowHash;
        }

        return await RootHashAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<string> GetLatestTimestampAsync(CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await _session.ScalarAsync($"SELECT max(greatest({TimestampColumns})) FROM {_meta}", cancellationToken).ConfigureAwait(false) as string ?? Timestamp.None;
    }

    /// <summary>A row's cells that are not absent: the table's, under what this unit wrote.</summary>
    private async ValueTask<IReadOnlyDictionary<string, Atom>> ReadRowAsync(string rowId, CancellationToken cancellationToken)
    {
        var cells = new Dictionary<string, Atom>(StringComparer.Ordinal);
        await _session.ReadAsync($"SELECT {RowColumns} FROM {_table} WHERE {_key} = $1", reader => cells = ReadCells(reader, 1), cancellationToken, rowId).ConfigureAwait(false);
        if (_pending.TryGetValue(rowId, out var pending))
        {
            for (var bit = 0; bit < _columns.Length; bit++)
            {
                if (((pending.Touched >> bit) & 1) == 0)
                {
                    continue;
                }

                if (pending.Atoms[bit].IsAbsent)
                {
                    cells.Remove(_columns[bit].Id);
                }
                else
                {
                    cells[_columns[bit].Id] = pending.Atoms[bit];
                }
            }
        }

        return cells;
    }

    /// <summary>A row's timestamps by column bit (null: never written): known in this unit, or read (and, inside a unit, kept).</summary>
    private async ValueTask<string?[]> RowTimestampsAsync(string rowId, CancellationToken cancellationToken)
    {
        if (_knownTimestamps.TryGetValue(rowId, out var known))
        {
            return known;
        }

        var timestamps = new string?[_columns.Length];
        await _session.ReadAsync($"SELECT {TimestampColumns} FROM {_meta} WHERE {_key} = $1", reader => ReadTimestamps(reader, 0, timestamps), cancellationToken, rowId).ConfigureAwait(false);
        if (_pending.TryGetValue(rowId, out var pending))
        {
            for (var bit = 0; bit < _columns.Length; bit++)
            {
                timestamps[bit] = ((pending.MetaTouched >> bit) & 1) == 1 ? pending.Timestamps[bit] : timestamps[bit];
            }
        }

        if (_session.InUnit)
        {
            _knownTimestamps[rowId] = timestamps;
        }

        return timestamps;
    }

    private async Task<List<string>> KeysAsync(string table, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<string>();
        await _session.ReadAsync($"SELECT {_key} FROM {table}", reader => keys.Add(reader.GetString(0)), cancellationToken).ConfigureAwait(false);
        return keys;
    }

    private string RowColumns => $"{_key}, {string.Join(", ", _columns.Select(c => c.Select(PostgreSqlSchema.Quote(c.Id))))}, \"absent\"";

    private string TimestampColumns => string.Join(", ", _columns.Select(c => PostgreSqlSchema.Quote(c.Id)));

    /// <summary>The cells of a row read with <see cref="RowColumns"/> from <paramref name="first"/> on, the absent ones left out.</summary>
    private Dictionary<string, Atom> ReadCells(NpgsqlDataReader reader, int first)
    {
        var absent = reader.GetInt64(first + _columns.Length);
        var cells = new Dictionary<string, Atom>(_columns.Length, StringComparer.Ordinal);
        for (var bit = 0; bit < _columns.Length; bit++)
        {
            if (((absent >> bit) & 1) == 0)
            {
                cells[_columns[bit].Id] = _columns[bit].Read(reader, first + bit);
            }
        }

        return cells;
    }

    private void ReadTimestamps(NpgsqlDataReader reader, int first, string?[] timestamps)
    {
        for (var bit = 0; bit < _columns.Length; bit++)
        {
            timestamps[bit] = reader.IsDBNull(first + bit) ? null : reader.GetString(first + bit);
        }
    }

    private static NpgsqlParameter KeyArray(IEnumerable<string> keys) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = keys.ToArray() };
}
