using System.Globalization;
using Microsoft.Data.Sqlite;
using Synclets.Connectors;

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
#pragma warning disable RS0026 // The framework's pattern, an overload with options beside the one without: calls stay unambiguous, as the options have no default.
    public static Task<TypedSqliteStore<TRow>> OpenAsync<TRow>(string path, CancellationToken cancellationToken = default)
        where TRow : ISyncSqlRow<TRow> => TypedSqliteStore<TRow>.OpenAsync(path, SqliteStoreOptions.Default, cancellationToken);

    /// <summary>
    /// Opens the typed tables of <typeparamref name="TRow"/> as <see cref="OpenAsync{TRow}(string, CancellationToken)"/>
    /// does, in a file or with a full connection string (when it contains '='), with the durability
    /// and busy timeout of <paramref name="options"/> (<see cref="SqliteStoreOptions.Synchronous"/>,
    /// <see cref="SqliteStoreOptions.BusyTimeout"/>; the table and column names are the record's own).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for <see cref="SqliteStoreOptions.ReadOnly"/>, which a typed store cannot be.</exception>
    /// <exception cref="SqliteStoreException">The file cannot be opened or written.</exception>
    public static Task<TypedSqliteStore<TRow>> OpenAsync<TRow>(string pathOrConnectionString, SqliteStoreOptions options, CancellationToken cancellationToken = default)
        where TRow : ISyncSqlRow<TRow> => TypedSqliteStore<TRow>.OpenAsync(pathOrConnectionString, options, cancellationToken);
#pragma warning restore RS0026
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
public sealed partial class TypedSqliteStore<TRow> : IDataConnector, IMetaConnector, IBulkDataReader, IRowReader, IRowQueryReader, IBulkMetaReader, IStoredHashes, ISubtreeReader, ITimestampPrefetch, ILatestTimestamp, IStorageRules, ITransactionalConnector, IAsyncDisposable
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>How many written rows' buffers are kept for reuse (a received message's rows).</summary>
    private const int MaxSpareRows = 4096;

    /// <summary>How many rows' timestamps are kept in <see cref="_knownTimestamps"/> before it starts over.</summary>
    private const int MaxKnownRows = 8192;

    /// <summary>Up to how many named rows <see cref="ReadRowsAsync"/> reads one by one, with a kept statement, rather than in one query it prepares.</summary>
    private const int FewRows = 16;

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
    private readonly Stack<PendingRow> _spareRows = new(); // Written rows' buffers, cleared for the next unit of work.
    private (string RowId, PendingRow Row)? _lastPending; // The row of the last cell buffered (see Pending).
    private string? _lastStorableRowId; // The last row id checked for half surrogate pairs (see IsStorableRowId).
    private readonly RawStatement _upsertData;
    private readonly RawStatement _upsertMeta;
    private readonly RawStatement _deleteIfEmpty;
    private readonly RawStatement _xorHash;
    private readonly RawStatement _selectRow;
    private readonly RawStatement _selectTimestamps;
    private readonly RawStatement _prefetchTimestamps;

    // The timestamps of the rows read in this unit of work (prefetched for a received batch, or read
    // once for a row's several cells), kept equal to what the unit writes, dropped at its end.
    private readonly Dictionary<string, RowTimestamps> _knownTimestamps = new(StringComparer.Ordinal);
    private readonly SqliteUnitOfWork _unit;
    private uint _pendingRootDelta;

    private TypedSqliteStore(SqliteConnection connection, string[] columns, Dictionary<string, AtomKind> kinds)
    {
        _connection = connection;
        _unit = new SqliteUnitOfWork(connection);
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
        _upsertData = new RawStatement(connection, $"INSERT INTO {_table} ({_key}, {string.Join(", ", quoted)}, \"absent\") VALUES (@key, {parameters}, @absent) ON CONFLICT ({_key}) DO UPDATE SET {keep}, \"absent\" = (\"absent\" & ~@touched) | @absentBits", ["@key", "@touched", "@absent", "@absentBits", .. values]);
        _upsertMeta = new RawStatement(connection, $"INSERT INTO {_meta} ({_key}, {string.Join(", ", quoted)}, \"seq\") VALUES (@key, {parameters}, @seq) ON CONFLICT ({_key}) DO UPDATE SET {keep}, \"seq\" = excluded.\"seq\"", ["@key", "@touched", .. values, "@seq"]);
        _selectRow = new RawStatement(connection, $"SELECT {string.Join(", ", quoted)}, \"absent\" FROM {_table} WHERE {_key} = @key", "@key");
        _selectTimestamps = new RawStatement(connection, $"SELECT {string.Join(", ", quoted)} FROM {_meta} WHERE {_key} = @key", "@key");
        _prefetchTimestamps = new RawStatement(connection, $"SELECT {_key}, {string.Join(", ", quoted)} FROM {_meta} WHERE {_key} IN (SELECT value FROM json_each(@keys))", "@keys");
        _deleteIfEmpty = new RawStatement(connection, $"DELETE FROM {_table} WHERE {_key} = @key AND \"absent\" = @all", "@key", "@all");
        _xorHash = new RawStatement(connection, SqliteSchema.XorHashSql(TRow.SqlTableName + "_hashes"), "@parent", "@delta");
        OpenChangeLog();
    }

    /// <inheritdoc cref="IDataConnector.Depth"/>
    public int Depth => 2;

    /// <summary>The store's connection, for tests that read its settings.</summary>
    internal SqliteConnection Connection => _connection;

    /// <summary>Opens (and creates or extends) the typed tables of <typeparamref name="TRow"/> in a SQLite file.</summary>
    internal static async Task<TypedSqliteStore<TRow>> OpenAsync(string pathOrConnectionString, SqliteStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrConnectionString);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ReadOnly)
        {
            throw new ArgumentException($"A typed store opens its tables for writing (it creates and extends them); to look into one without changing it, use 'synclets inspect', or open the file with SQLite in read-only mode.", nameof(options));
        }

        SqliteConnection? connection = null;
        try
        {
            (connection, var readOnly) = await SqliteConnections.OpenAsync(pathOrConnectionString, options, cancellationToken).ConfigureAwait(false);
            if (readOnly)
            {
                throw new SqliteStoreException($"The typed SQLite store '{pathOrConnectionString}' was opened read-only (Mode=ReadOnly in the connection string): a typed store needs to write its tables.");
            }

            var columns = await EnsureSchemaAsync(connection).ConfigureAwait(false);
            await EnsureRootHashAsync(connection, columns).ConfigureAwait(false);
            return new TypedSqliteStore<TRow>(connection, columns, TRow.SqlColumns.ToDictionary(c => c.Id, c => c.Kind, StringComparer.Ordinal));
        }
        catch (SqliteException exception)
        {
            await SqliteConnections.CloseAsync(connection).ConfigureAwait(false);
            throw new SqliteStoreException($"Could not open the typed SQLite store '{pathOrConnectionString}' for {TRow.SqlTableName}: {exception.Message} Check that the path exists, is writable and is not locked by another program.", exception);
        }
        catch
        {
            await SqliteConnections.CloseAsync(connection).ConfigureAwait(false);
            throw;
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

        _selectRow.Dispose();
        _selectTimestamps.Dispose();
        _prefetchTimestamps.Dispose();

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
