using Npgsql;
using Synclets.Connectors;

namespace Synclets.PostgreSql;

/// <summary>Opens typed PostgreSQL stores.</summary>
public static class TypedPostgreSqlStore
{
#pragma warning disable RS0026 // Two overloads with optional options, told apart by their first parameter (a connection string, a data source): never ambiguous.
    /// <summary>
    /// Opens (and creates, or extends with added properties) the typed tables of
    /// <typeparamref name="TRow"/> in the schema of <paramref name="options"/> (<c>synclets</c> by
    /// default): give the result to a synclet as both its data and its meta connector.
    /// </summary>
    /// <exception cref="PostgreSqlStoreException">The server cannot be reached, refuses the login or a permission, another process holds the store, or a table has another shape; the message says which and what to do.</exception>
    public static async Task<TypedPostgreSqlStore<TRow>> OpenAsync<TRow>(string connectionString, PostgreSqlStoreOptions? options = null, CancellationToken cancellationToken = default)
        where TRow : ISyncSqlRow<TRow>
    {
        return await PostgreSqlSession.OpenOnOwnDataSourceAsync(connectionString, dataSource =>
            TypedPostgreSqlStore<TRow>.OpenAsync(dataSource, ownsDataSource: true, options ?? PostgreSqlStoreOptions.Default, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Opens the typed tables of <typeparamref name="TRow"/> on a data source the app owns (it stays open when the store is disposed).</summary>
    /// <exception cref="PostgreSqlStoreException">As <see cref="OpenAsync{TRow}(string, PostgreSqlStoreOptions?, CancellationToken)"/>.</exception>
    public static Task<TypedPostgreSqlStore<TRow>> OpenAsync<TRow>(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options = null, CancellationToken cancellationToken = default)
        where TRow : ISyncSqlRow<TRow>
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return TypedPostgreSqlStore<TRow>.OpenAsync(dataSource, ownsDataSource: false, options ?? PostgreSqlStoreOptions.Default, cancellationToken);
    }
#pragma warning restore RS0026
}

/// <summary>
/// A depth-2 tree of <typeparamref name="TRow"/> records in typed PostgreSQL tables, in a schema of
/// their own: one row per record with a column of a real PostgreSQL type per property (see
/// <see cref="TypedPostgreSqlStore"/>), a companion meta table with one timestamp column per
/// property, and the stored root hash. The same layout and rules as the typed SQLite store: null
/// and absent told apart by a mask per row, columns added and never dropped.
/// </summary>
/// <typeparam name="TRow">A <c>[SyncTree(depth: 2)]</c> record.</typeparam>
/// <remarks>
/// <para>One writer per store, as <see cref="PostgreSqlStore"/>: an advisory lock on the schema.
/// A unit of work is one transaction; the rows it writes are buffered and sent at its commit as
/// one statement per table, each column's values in one array.</para>
/// <para>PostgreSQL types: <c>text</c>, <c>boolean</c>, <c>bigint</c> (integers and enums as
/// numbers), <c>double precision</c>, <c>numeric</c> (decimals), <c>uuid</c>, <c>date</c>
/// (DateOnly). DateTime, DateTimeOffset and TimeOnly are kept as their exact text: PostgreSQL's
/// time types round them to microseconds and drop a DateTime's kind and an offset, and a store must
/// give back exactly what it was given. A record may have at most 62 synced properties.</para>
/// </remarks>
public sealed partial class TypedPostgreSqlStore<TRow> : IDataConnector, IMetaConnector, IBulkDataReader, IRowReader, IBulkMetaReader, IStoredHashes, ISubtreeReader, ITimestampPrefetch, ILatestTimestamp, IStorageRules, ITransactionalConnector, IAsyncDisposable
    where TRow : ISyncSqlRow<TRow>
{
    private readonly PostgreSqlSession _session;
    private readonly string _table;
    private readonly string _meta;
    private readonly string _hashes;
    private readonly string _key = PostgreSqlSchema.Quote(TRow.SqlKeyColumn);
    private readonly PostgreSqlColumn[] _columns;
    private readonly Dictionary<string, int> _bits = new(StringComparer.Ordinal);
    private readonly long _allMask;
    private readonly Dictionary<string, PendingRow> _pending = new(StringComparer.Ordinal);

    // The timestamps of the rows read in this unit of work (read ahead for a received batch, or
    // read once for a row's several cells), kept equal to what the unit writes, dropped at its end.
    private readonly Dictionary<string, string?[]> _knownTimestamps = new(StringComparer.Ordinal);
    private readonly HashSet<string> _newRows = new(StringComparer.Ordinal); // Read in this unit and in neither table: written by COPY.
    private readonly bool _canCopy;
    private uint _pendingRootDelta;
    private bool _disposed;

    private TypedPostgreSqlStore(PostgreSqlSession session, string schema, PostgreSqlColumn[] columns)
    {
        _session = session;
        _table = PostgreSqlSchema.Quote(schema) + "." + PostgreSqlSchema.Quote(TRow.SqlTableName);
        _meta = PostgreSqlSchema.Quote(schema) + "." + PostgreSqlSchema.Quote(TRow.SqlTableName + "_meta");
        _hashes = PostgreSqlSchema.Quote(schema) + "." + PostgreSqlSchema.Quote(TRow.SqlTableName + "_hashes");
        _columns = columns;
        for (var bit = 0; bit < columns.Length; bit++)
        {
            _bits[columns[bit].Id] = bit;
        }

        _allMask = columns.Length == 63 ? long.MaxValue : (1L << columns.Length) - 1;
        _canCopy = columns.All(column => column.CanCopy);
    }

    /// <inheritdoc cref="IDataConnector.Depth"/>
    public int Depth => 2;

    /// <summary>The server process of the store's session, for tests that break it.</summary>
    internal int BackendProcessId => _session.Connection.ProcessID;

    internal static async Task<TypedPostgreSqlStore<TRow>> OpenAsync(NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.Schema, nameof(options));
        return await PostgreSqlSession.OpenStoreAsync(dataSource, ownsDataSource, options.Schema, async session =>
        {
            var columns = await EnsureTablesAsync(session, options.Schema, cancellationToken).ConfigureAwait(false);
            var store = new TypedPostgreSqlStore<TRow>(session, options.Schema, columns);
            await store.EnsureRootHashAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the store (rolling back a unit of work left open, and releasing the store's lock).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ForgetUnit();
        await _session.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask BeginWritesAsync(CancellationToken cancellationToken = default)
    {
        _session.BeginUnit();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask CommitWritesAsync(CancellationToken cancellationToken = default) =>
        _session.CommitUnitAsync(FlushAsync, ForgetUnit, ForgetUnit, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default)
    {
        ForgetUnit();
        await _session.RollbackUnitAsync().ConfigureAwait(false);
    }

    /// <summary>What this store buffered or read for the unit of work, forgotten when it ends.</summary>
    private void ForgetUnit()
    {
        _pending.Clear();
        _pendingRootDelta = 0;
        _knownTimestamps.Clear();
        _newRows.Clear();
    }

    /// <summary>A write outside a unit of work stands alone: a transaction of its own, committed now.</summary>
    private async ValueTask StandAloneAsync(CancellationToken cancellationToken)
    {
        if (!_session.InUnit)
        {
            _session.BeginUnit();
            await CommitWritesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private int Bit(string column) =>
        _bits.TryGetValue(column, out var bit)
            ? bit
            : throw new PostgreSqlStoreException($"Table {TRow.SqlTableName} has no column '{column}': the record has no such property. A peer with a newer record may have added it; update this app.");

    /// <summary>The cells and timestamps of one row written in this unit of work, not yet in the database.</summary>
    private sealed class PendingRow(int columns)
    {
        public Atom[] Atoms { get; } = new Atom[columns];

        public string?[] Timestamps { get; } = new string?[columns];

        public long Touched { get; set; }

        public long MetaTouched { get; set; }
    }
}
