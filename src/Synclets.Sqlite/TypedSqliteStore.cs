using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;
using Synclets.Connectors;
using Synclets.Protocol;

namespace Synclets.Sqlite;

/// <summary>Opens typed SQLite stores.</summary>
public static class TypedSqliteStore
{
    /// <summary>
    /// Opens (and creates, or extends with added properties) the typed tables of
    /// <typeparamref name="TRow"/> in a SQLite file: give the result to a synclet as both its data
    /// and its meta connector.
    /// </summary>
    /// <exception cref="SqliteStoreException">The file cannot be opened or written.</exception>
    public static Task<TypedSqliteStore<TRow>> OpenAsync<TRow>(string path, CancellationToken cancellationToken = default)
        where TRow : ISyncSqlRow<TRow> => TypedSqliteStore<TRow>.OpenAsync(path, cancellationToken);
}

/// <summary>
/// A depth-2 tree of <typeparamref name="TRow"/> records in a typed SQLite table: one row per
/// record with a real typed column per property (the generator's STRICT DDL), and a companion
/// meta table with one timestamp column per property. The cells a message writes to one row are
/// buffered and written as one statement per table, within the unit of work's transaction.
/// </summary>
/// <typeparam name="TRow">A <c>[SyncTree(depth: 2)]</c> record.</typeparam>
/// <remarks>
/// Schema evolution: a property added to the record adds its columns on open (existing rows read
/// it as absent); a column whose property was removed or renamed is kept, never dropped, and no
/// longer synced. A record may have at most 62 synced properties.
/// </remarks>
public sealed class TypedSqliteStore<TRow> : IDataConnector, IMetaConnector, IBulkDataReader, IBulkMetaReader, IStoredHashes, ISubtreeReader, ITimestampPrefetch, ITransactionalConnector, IAsyncDisposable
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>How many rows' timestamps are kept in <see cref="_knownTimestamps"/> before it starts over.</summary>
    private const int MaxKnownRows = 8192;

    private readonly SqliteConnection _connection;
    private readonly string _table;
    private readonly string _meta;
    private readonly string _hashes;
    private readonly string _key = SqliteSchema.Quote(TRow.SqlKeyColumn);
    private readonly string[] _columns;
    private readonly Dictionary<string, (int Bit, AtomKind Kind)> _columnIndex = new(StringComparer.Ordinal);
    private readonly AtomKind[] _kinds;
    private readonly long _allMask;
    private readonly Dictionary<string, PendingRow> _pending = new(StringComparer.Ordinal);
    private readonly Statement _upsertData;
    private readonly Statement _upsertMeta;
    private readonly Statement _deleteIfEmpty;
    private readonly Statement _xorHash;
    private readonly SqliteCommand _selectRow;
    private readonly SqliteCommand _selectTimestamps;
    private readonly SqliteCommand _prefetchTimestamps;
    private SqliteTransaction? _transaction;
    private int _openUnits;
    private uint _pendingRootDelta;

    // The timestamps of the rows read in this unit of work (prefetched for a received batch, or read
    // once for a row's several cells), kept equal to what the unit writes, dropped at its end.
    private readonly Dictionary<string, Dictionary<string, string>> _knownTimestamps = new(StringComparer.Ordinal);

    private TypedSqliteStore(SqliteConnection connection, string[] columns, Dictionary<string, AtomKind> kinds)
    {
        _connection = connection;
        _table = SqliteSchema.Quote(TRow.SqlTableName);
        _meta = SqliteSchema.Quote(TRow.SqlTableName + "_meta");
        _hashes = SqliteSchema.Quote(TRow.SqlTableName + "_hashes");
        _columns = columns;
        for (var bit = 0; bit < columns.Length; bit++)
        {
            _columnIndex[columns[bit]] = (bit, kinds.TryGetValue(columns[bit], out var kind) ? kind : AtomKind.String);
        }

        _kinds = [.. columns.Select(column => _columnIndex[column].Kind)];
        _allMask = columns.Length == 63 ? long.MaxValue : (1L << columns.Length) - 1;
        var quoted = columns.Select(SqliteSchema.Quote).ToArray();
        var parameters = string.Join(", ", columns.Select((_, i) => "@v" + i.ToString(CultureInfo.InvariantCulture)));
        var keep = string.Join(", ", quoted.Select((column, i) => $"{column} = CASE WHEN (@touched >> {i}) & 1 THEN excluded.{column} ELSE {column} END"));
        var values = columns.Select((_, i) => "@v" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        _upsertData = new Statement(connection, $"INSERT INTO {_table} ({_key}, {string.Join(", ", quoted)}, \"absent\") VALUES (@key, {parameters}, @absent) ON CONFLICT ({_key}) DO UPDATE SET {keep}, \"absent\" = (\"absent\" & ~@touched) | @absentBits", ["@key", "@touched", "@absent", "@absentBits", .. values]);
        _upsertMeta = new Statement(connection, $"INSERT INTO {_meta} ({_key}, {string.Join(", ", quoted)}) VALUES (@key, {parameters}) ON CONFLICT ({_key}) DO UPDATE SET {keep}", ["@key", "@touched", .. values]);
        _selectRow = connection.CreateCommand();
        _selectRow.CommandText = $"SELECT {string.Join(", ", quoted)}, \"absent\" FROM {_table} WHERE {_key} = @key";
        _selectRow.Parameters.Add(new SqliteParameter { ParameterName = "@key" });
        _selectTimestamps = connection.CreateCommand();
        _selectTimestamps.CommandText = $"SELECT {string.Join(", ", quoted)} FROM {_meta} WHERE {_key} = @key";
        _selectTimestamps.Parameters.Add(new SqliteParameter { ParameterName = "@key" });
        _prefetchTimestamps = connection.CreateCommand();
        _prefetchTimestamps.CommandText = $"SELECT {_key}, {string.Join(", ", quoted)} FROM {_meta} WHERE {_key} IN (SELECT value FROM json_each(@keys))";
        _prefetchTimestamps.Parameters.Add(new SqliteParameter { ParameterName = "@keys" });
        _deleteIfEmpty = new Statement(connection, $"DELETE FROM {_table} WHERE {_key} = @key AND \"absent\" = @all", "@key", "@all");
        _xorHash = new Statement(connection, $"INSERT INTO {_hashes} (\"parent\", \"hash\") VALUES (@parent, @delta) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = (\"hash\" | excluded.\"hash\") - (\"hash\" & excluded.\"hash\")", "@parent", "@delta");
    }

    /// <inheritdoc cref="IDataConnector.Depth"/>
    public int Depth => 2;

    /// <summary>Opens (and creates or extends) the typed tables of <typeparamref name="TRow"/> in a SQLite file.</summary>
    internal static async Task<TypedSqliteStore<TRow>> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;").ConfigureAwait(false);
            var columns = await EnsureSchemaAsync(connection).ConfigureAwait(false);
            await EnsureRootHashAsync(connection, columns).ConfigureAwait(false);
            return new TypedSqliteStore<TRow>(connection, columns, TRow.SqlColumns.ToDictionary(c => c.Id, c => c.Kind, StringComparer.Ordinal));
        }
        catch (SqliteException exception)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new SqliteStoreException($"Could not open the typed SQLite store '{path}' for {TRow.SqlTableName}: {exception.Message}", exception);
        }
    }

    /// <summary>Creates the tables, or adds the columns of properties added since; returns the synced columns in table order.</summary>
    private static async Task<string[]> EnsureSchemaAsync(SqliteConnection connection)
    {
        var table = TRow.SqlTableName;
        var existing = (await connection.QueryAsync<(string Name, string Type)>($"SELECT name, type FROM pragma_table_info('{table.Replace("'", "''", StringComparison.Ordinal)}')").ConfigureAwait(false)).ToList();
        var metaColumns = string.Join(", ", TRow.SqlColumns.Select(c => SqliteSchema.Quote(c.Id) + " TEXT"));
        if (existing.Count == 0)
        {
            var key = SqliteSchema.Quote(TRow.SqlKeyColumn);
            await connection.ExecuteAsync(TRow.SqlCreateTable).ConfigureAwait(false);
            await connection.ExecuteAsync($"CREATE TABLE {SqliteSchema.Quote(table + "_meta")} ({key} TEXT PRIMARY KEY, {metaColumns}) STRICT").ConfigureAwait(false);
            await connection.ExecuteAsync($"CREATE TABLE {SqliteSchema.Quote(table + "_hashes")} (\"parent\" TEXT PRIMARY KEY, \"hash\" INTEGER NOT NULL) WITHOUT ROWID").ConfigureAwait(false);
            return [.. TRow.SqlColumns.Select(c => c.Id)];
        }

        // Columns keep their place (and absent-mask bit) for life; added properties go at the end.
        var columns = existing.Select(c => c.Name).Where(name => name != TRow.SqlKeyColumn && name != "absent").ToList();
        foreach (var added in TRow.SqlColumns.Where(c => !columns.Contains(c.Id, StringComparer.Ordinal)))
        {
            var bit = 1L << columns.Count;
            await connection.ExecuteAsync($"ALTER TABLE {SqliteSchema.Quote(table)} ADD COLUMN {SqliteSchema.Quote(added.Id)} {added.SqlType}").ConfigureAwait(false);
            await connection.ExecuteAsync($"ALTER TABLE {SqliteSchema.Quote(table + "_meta")} ADD COLUMN {SqliteSchema.Quote(added.Id)} TEXT").ConfigureAwait(false);
            await connection.ExecuteAsync($"UPDATE {SqliteSchema.Quote(table)} SET \"absent\" = \"absent\" | {bit.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            columns.Add(added.Id);
        }

        return [.. columns];
    }

    /// <summary>
    /// A database that has timestamps but no stored root hash (written by hand, or by a tool that
    /// kept none) gets it computed once, from every timestamp; afterwards it is kept up to date.
    /// </summary>
    private static async Task EnsureRootHashAsync(SqliteConnection connection, string[] columns)
    {
        var hashes = SqliteSchema.Quote(TRow.SqlTableName + "_hashes");
        if (await connection.ExecuteScalarAsync<long?>($"SELECT \"hash\" FROM {hashes} WHERE \"parent\" = '[]'").ConfigureAwait(false) is not null)
        {
            return;
        }

        var hash = 0u;
        await using (var reader = await connection.ExecuteReaderAsync($"SELECT {string.Join(", ", columns.Select(SqliteSchema.Quote))} FROM {SqliteSchema.Quote(TRow.SqlTableName + "_meta")}").ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                for (var i = 0; i < columns.Length; i++)
                {
                    hash ^= reader.IsDBNull(i) ? 0 : Fnv1a.Hash(reader.GetString(i));
                }
            }
        }

        await connection.ExecuteAsync($"INSERT INTO {hashes} (\"parent\", \"hash\") VALUES ('[]', @hash)", new { hash = (long)hash }).ConfigureAwait(false);
    }

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

    /// <inheritdoc/>
    public ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default)
    {
        var (bit, kind) = Column(address[1]);
        if (!atom.IsAbsent && atom.Kind != AtomKind.Null && atom.Kind != kind)
        {
            throw new SqliteStoreException($"Column '{address[1]}' of table {TRow.SqlTableName} holds {kind} atoms, but {atom} was written at [{address[0]}, {address[1]}]. The peer's schema differs from this record's.");
        }

        var pending = Pending(address[0]);
        pending.Atoms[bit] = atom;
        pending.Touched |= 1L << bit;
        return FlushIfAlone();
    }

    /// <inheritdoc/>
    public ValueTask RemoveAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        SetAtomAsync(address, Atom.Absent, cancellationToken);

    ValueTask<IReadOnlyCollection<string>> IDataConnector.GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken)
    {
        FlushRows();
        return ValueTask.FromResult<IReadOnlyCollection<string>>(address.Count switch
        {
            0 => _connection.Query<string>($"SELECT {_key} FROM {_table}", transaction: _transaction).AsList(),
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

        return ValueTask.FromResult(ReadTimestamps(address[0]).TryGetValue(address[1], out var timestamp) ? timestamp : Timestamp.None);
    }

    /// <inheritdoc/>
    public ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default)
    {
        var (bit, _) = Column(address[1]);

        // The old timestamp, for the root hash (read before the row's buffer is taken, as a read may flush it).
        var row = ReadTimestamps(address[0]);
        var previous = row.GetValueOrDefault(address[1], Timestamp.None);
        row[address[1]] = timestamp;

        var pending = Pending(address[0]);
        pending.Timestamps[bit] = timestamp;
        pending.MetaTouched |= 1L << bit;
        _pendingRootDelta ^= Fnv1a.Hash(timestamp) ^ (previous.Length == 0 ? 0 : Fnv1a.Hash(previous));
        return FlushIfAlone();
    }

    ValueTask<IReadOnlyCollection<string>> IMetaConnector.GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken)
    {
        FlushRows();
        return ValueTask.FromResult<IReadOnlyCollection<string>>(address.Count switch
        {
            0 => _connection.Query<string>($"SELECT {_key} FROM {_meta}", transaction: _transaction).AsList(),
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
        if (_openUnits == 0 || unknown.Count == 0 || unknown.Count > MaxKnownRows)
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
            _knownTimestamps[id] = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        _prefetchTimestamps.Transaction = _transaction;
        _prefetchTimestamps.Parameters[0].Value = AtomJson.WriteAddress(unknown);
        using var reader = _prefetchTimestamps.ExecuteReader();
        while (reader.Read())
        {
            ReadTimestampColumns(reader, 1, _knownTimestamps[reader.GetString(0)]);
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
            foreach (var timestamp in ReadTimestamps(parentAddress[0]).Values)
            {
                rowHash ^= Fnv1a.Hash(timestamp);
            }

            return ValueTask.FromResult(rowHash);
        }

        Flush();
        var hash = _connection.ExecuteScalar<long?>($"SELECT \"hash\" FROM {_hashes} WHERE \"parent\" = '[]'", transaction: _transaction);
        return ValueTask.FromResult(hash is { } value ? (uint)value : 0u);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SubtreeAtom> ReadSubtreeAsync(IReadOnlyList<string> parentAddress, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        FlushRows();
        var select = string.Join(", ", _columns.Select(c => "m." + SqliteSchema.Quote(c)).Concat(_columns.Select(c => "d." + SqliteSchema.Quote(c))));
        using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = $"SELECT m.{_key}, {select}, d.\"absent\" FROM {_meta} m LEFT JOIN {_table} d ON d.{_key} = m.{_key}" + (parentAddress.Count == 1 ? $" WHERE m.{_key} = @key" : string.Empty) + $" ORDER BY m.{_key}";
        if (parentAddress.Count == 1)
        {
            command.Parameters.AddWithValue("@key", parentAddress[0]);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var absentAt = 1 + (2 * _columns.Length);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var rowId = reader.GetString(0);
            var absent = reader.IsDBNull(absentAt) ? _allMask : reader.GetInt64(absentAt);
            for (var i = 0; i < _columns.Length; i++)
            {
                if (reader.IsDBNull(1 + i))
                {
                    continue; // Never written.
                }

                var atom = ((absent >> i) & 1) == 1 ? Atom.Absent : ReadAtom(reader, 1 + _columns.Length + i, _kinds[i]);
                yield return new SubtreeAtom([rowId, _columns[i]], reader.GetString(1 + i), atom);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask BeginWritesAsync(CancellationToken cancellationToken = default)
    {
        _openUnits++;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask CommitWritesAsync(CancellationToken cancellationToken = default)
    {
        if (_openUnits > 1)
        {
            _openUnits--;
            return;
        }

        // Flush while the unit still counts, so the buffered rows go into its one transaction
        // (with the count at zero they would each be a transaction of their own).
        Flush();
        _openUnits = 0;
        _knownTimestamps.Clear();
        if (_transaction is not null)
        {
            try
            {
                await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException exception)
            {
                await RollbackWritesAsync(cancellationToken).ConfigureAwait(false);
                throw SqliteStore.Failure("commit", exception);
            }

            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default)
    {
        _openUnits = 0;
        _pending.Clear();
        _pendingRootDelta = 0;
        _knownTimestamps.Clear();
        if (_transaction is not null)
        {
            await _transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await RollbackWritesAsync().ConfigureAwait(false);
        foreach (var statement in new[] { _upsertData, _upsertMeta, _deleteIfEmpty, _xorHash })
        {
            statement.Dispose();
        }

        await _selectRow.DisposeAsync().ConfigureAwait(false);
        await _selectTimestamps.DisposeAsync().ConfigureAwait(false);
        await _prefetchTimestamps.DisposeAsync().ConfigureAwait(false);

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private (int Bit, AtomKind Kind) Column(string id) =>
        _columnIndex.TryGetValue(id, out var column)
            ? column
            : throw new SqliteStoreException($"Table {TRow.SqlTableName} has no column '{id}': the record has no such property. A peer with a newer record may have added it; update this app.");

    private PendingRow Pending(string rowId)
    {
        if (!_pending.TryGetValue(rowId, out var pending))
        {
            pending = new PendingRow(_columns.Length);
            _pending[rowId] = pending;
        }

        return pending;
    }

    private ValueTask FlushIfAlone()
    {
        if (_openUnits == 0)
        {
            Flush(); // A write outside a unit of work stands alone.
            _knownTimestamps.Clear();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the buffered rows and the root hash's change (before the root hash is read, and at commit).</summary>
    private void Flush()
    {
        FlushRows();
        if (_pendingRootDelta == 0)
        {
            return;
        }

        Write(() => _xorHash.Run(_transaction, "[]", (long)_pendingRootDelta));
        _pendingRootDelta = 0;
    }

    /// <summary>Writes the buffered rows: one upsert per row and table.</summary>
    private void FlushRows()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        Write(() =>
        {
            var values = new object?[4 + _columns.Length];
            foreach (var (rowId, row) in _pending)
            {
                if (row.Touched != 0)
                {
                    var absentBits = 0L;
                    for (var i = 0; i < _columns.Length; i++)
                    {
                        var atom = row.Atoms[i];
                        absentBits |= ((row.Touched >> i) & 1) == 1 && atom.IsAbsent ? 1L << i : 0;
                        values[4 + i] = ToSql(atom);
                    }

                    (values[0], values[1], values[2], values[3]) = (rowId, row.Touched, (_allMask & ~row.Touched) | absentBits, absentBits);
                    _upsertData.Run(_transaction, values);
                    if (absentBits != 0)
                    {
                        _deleteIfEmpty.Run(_transaction, rowId, _allMask);
                    }
                }

                if (row.MetaTouched != 0)
                {
                    var timestamps = new object?[2 + _columns.Length];
                    (timestamps[0], timestamps[1]) = (rowId, row.MetaTouched);
                    for (var i = 0; i < _columns.Length; i++)
                    {
                        timestamps[2 + i] = row.Timestamps[i];
                    }

                    _upsertMeta.Run(_transaction, timestamps);
                }
            }
        });
        _pending.Clear();
    }

    private void Write(Action write)
    {
        try
        {
            _transaction ??= _openUnits > 0 ? _connection.BeginTransaction(deferred: false) : null;
            write();
        }
        catch (SqliteException exception)
        {
            throw SqliteStore.Failure("write", exception);
        }
    }

    private Dictionary<string, Atom> ReadRow(string rowId)
    {
        if (_pending.TryGetValue(rowId, out var pending) && pending.Touched != 0)
        {
            FlushRows();
        }

        var atoms = new Dictionary<string, Atom>(StringComparer.Ordinal);
        _selectRow.Transaction = _transaction;
        _selectRow.Parameters[0].Value = rowId;
        using var reader = _selectRow.ExecuteReader();
        if (reader.Read())
        {
            var absent = reader.GetInt64(_columns.Length);
            for (var i = 0; i < _columns.Length; i++)
            {
                if (((absent >> i) & 1) == 0)
                {
                    atoms[_columns[i]] = ReadAtom(reader, i, _kinds[i]);
                }
            }
        }

        return atoms;
    }

    /// <summary>A row's timestamps by column: known in this unit of work, or read (and then known).</summary>
    private Dictionary<string, string> ReadTimestamps(string rowId)
    {
        if (_knownTimestamps.TryGetValue(rowId, out var known))
        {
            return known;
        }

        if (_pending.TryGetValue(rowId, out var pending) && pending.MetaTouched != 0)
        {
            FlushRows();
        }

        var timestamps = new Dictionary<string, string>(StringComparer.Ordinal);
        _selectTimestamps.Transaction = _transaction;
        _selectTimestamps.Parameters[0].Value = rowId;
        using (var reader = _selectTimestamps.ExecuteReader())
        {
            if (reader.Read())
            {
                ReadTimestampColumns(reader, 0, timestamps);
            }
        }

        if (_openUnits == 0)
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

    private void ReadTimestampColumns(SqliteDataReader reader, int first, Dictionary<string, string> timestamps)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            if (!reader.IsDBNull(first + i))
            {
                timestamps[_columns[i]] = reader.GetString(first + i);
            }
        }
    }

    private static object? ToSql(Atom atom) => atom.Kind switch
    {
        AtomKind.String => atom.AsString(),
        AtomKind.Boolean => atom.AsBoolean() ? 1L : 0L,
        AtomKind.Number => atom.AsNumber(),
        _ => null,
    };

    /// <summary>A cell as an atom, read with the getter its column's kind calls for (no boxing).</summary>
    private static Atom ReadAtom(SqliteDataReader reader, int ordinal, AtomKind kind)
    {
        if (reader.IsDBNull(ordinal))
        {
            return Atom.Null;
        }

        return kind switch
        {
            AtomKind.Boolean => Atom.FromBoolean(reader.GetInt64(ordinal) != 0),
            AtomKind.Number => Atom.FromNumber(reader.GetDouble(ordinal)),
            _ => Atom.FromString(reader.GetString(ordinal)),
        };
    }

    /// <summary>The cells and timestamps of one row written in this unit of work, not yet in the database.</summary>
    private sealed class PendingRow(int columns)
    {
        public Atom[] Atoms { get; } = new Atom[columns];

        public string?[] Timestamps { get; } = new string?[columns];

        public long Touched { get; set; }

        public long MetaTouched { get; set; }
    }
}
