using Npgsql;
using Synclets.Protocol;

namespace Synclets.PostgreSql;

/// <summary>
/// A Synclets store in a PostgreSQL database: the JavaScript reference's data and meta tables (the
/// whole address as JSON text for a key, one column per level, each atom and timestamp as JSON
/// text) in a schema of their own, and a table of stored parent hashes. Give <see cref="Data"/>
/// and <see cref="Meta"/> to a synclet.
/// </summary>
/// <remarks>
/// <para>One writer per store: the store holds one connection and, on it, an advisory lock on its
/// schema for as long as it is open; a second opener gets a <see cref="PostgreSqlStoreException"/>
/// naming the holder.</para>
/// <para>A unit of work (one received message, one local change) is one transaction. Its writes
/// are buffered and sent in one batch of array statements when it commits, or before a read that
/// must see them, so a message costs a few round trips, not one per atom.</para>
/// </remarks>
public sealed partial class PostgreSqlStore : IAsyncDisposable
{
    private readonly PostgreSqlSession _session;
    private readonly PostgreSqlSchema _schema;
    private readonly Dictionary<string, (string[] Address, string? Json)> _pendingData = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string[] Address, string Timestamp)> _pendingMeta = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _pendingHashes = new(StringComparer.Ordinal);

    // The timestamps of whole parents read ahead for this unit of work (see ITimestampPrefetch),
    // kept equal to what the unit writes, and the last single timestamp read (the engine reads an
    // atom's timestamp just before it replaces it).
    private readonly Dictionary<string, Dictionary<string, string>> _knownTimestamps = new(StringComparer.Ordinal);
    private (string Key, string Timestamp)? _lastTimestampRead;
    private bool _disposed;

    private PostgreSqlStore(PostgreSqlSession session, PostgreSqlSchema schema)
    {
        _session = session;
        _schema = schema;
        Data = new PostgreSqlDataConnector(this);
        Meta = new PostgreSqlMetaConnector(this);
    }

    /// <summary>The depth of the tree.</summary>
    public int Depth => _schema.Depth;

    /// <summary>The server process of the store's session, for tests that break it.</summary>
    internal int BackendProcessId => _session.Connection.ProcessID;

    /// <summary>The data connector to give a synclet.</summary>
    public PostgreSqlDataConnector Data { get; }

    /// <summary>The meta connector to give a synclet (with stored hashes).</summary>
    public PostgreSqlMetaConnector Meta { get; }

#pragma warning disable RS0026 // Two overloads with optional options, told apart by their first parameter (a connection string, a data source): never ambiguous.
    /// <summary>Opens (and creates what is missing of) a store with a connection string.</summary>
    /// <exception cref="PostgreSqlStoreException">The server cannot be reached, refuses the login or a permission, another process holds the store, or its tables have another shape; the message says which and what to do.</exception>
    public static async Task<PostgreSqlStore> OpenAsync(string connectionString, int depth, PostgreSqlStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        return await PostgreSqlSession.OpenOnOwnDataSourceAsync(connectionString, dataSource =>
            OpenAsync(dataSource, ownsDataSource: true, depth, options ?? PostgreSqlStoreOptions.Default, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Opens (and creates what is missing of) a store on a data source the app owns (it stays open when the store is disposed).</summary>
    /// <exception cref="PostgreSqlStoreException">As <see cref="OpenAsync(string, int, PostgreSqlStoreOptions?, CancellationToken)"/>.</exception>
    public static Task<PostgreSqlStore> OpenAsync(NpgsqlDataSource dataSource, int depth, PostgreSqlStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return OpenAsync(dataSource, ownsDataSource: false, depth, options ?? PostgreSqlStoreOptions.Default, cancellationToken);
    }
#pragma warning restore RS0026

    /// <summary>The depth of the store in a schema (its meta table's level columns), or null when the schema holds no store.</summary>
    public static async Task<int?> ReadDepthAsync(NpgsqlDataSource dataSource, PostgreSqlStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name ~ '^address[0-9]+$'", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.Schema });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.MetaTable });
        var levels = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return levels == 0 ? null : (int)levels;
    }

    private static async Task<PostgreSqlStore> OpenAsync(NpgsqlDataSource dataSource, bool ownsDataSource, int depth, PostgreSqlStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        ArgumentException.ThrowIfNullOrEmpty(options.Schema, nameof(options));
        return await PostgreSqlSession.OpenStoreAsync(dataSource, ownsDataSource, options.Schema, async session =>
        {
            var schema = new PostgreSqlSchema(options, depth);
            await schema.EnsureAsync(session.Connection, options, cancellationToken).ConfigureAwait(false);
            var store = new PostgreSqlStore(session, schema);
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
        ForgetBuffers();
        await _session.DisposeAsync().ConfigureAwait(false);
    }

    internal void BeginUnit() => _session.BeginUnit();

    internal ValueTask CommitUnitAsync(CancellationToken cancellationToken) =>
        _session.CommitUnitAsync(FlushAsync, ForgetBuffers, ForgetUnit, cancellationToken);

    internal async ValueTask RollbackUnitAsync()
    {
        ForgetUnit();
        ForgetBuffers();
        await _session.RollbackUnitAsync().ConfigureAwait(false);
    }

    /// <summary>The unit's writes not yet sent, dropped (it rolled back, or the store closes).</summary>
    private void ForgetBuffers()
    {
        _pendingData.Clear();
        _pendingMeta.Clear();
        _pendingHashes.Clear();
    }

    internal ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken)
    {
        string[] copy = [.. address];
        _pendingData[AtomJson.WriteAddress(copy)] = (copy, atom.IsAbsent ? null : AtomJson.Write(atom));
        return StandAloneAsync(cancellationToken);
    }

    internal async ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken)
    {
        string[] copy = [.. address];
        var parents = ParentKeys(copy); // Each atom's key and its parents' keys, written once for all that follows.
        var key = AtomJson.WriteAddress(copy);
        var previous = await StoredTimestampAsync(key, parents[^1], copy[^1], cancellationToken).ConfigureAwait(false);
        _pendingMeta[key] = (copy, timestamp);
        _lastTimestampRead = (key, timestamp);
        if (_knownTimestamps.TryGetValue(parents[^1], out var known))
        {
            known[copy[^1]] = timestamp;
        }

        var delta = Fnv1a.Hash(timestamp) ^ (previous.Length == 0 ? 0 : Fnv1a.Hash(previous));
        foreach (var parent in parents)
        {
            _pendingHashes[parent] = (_pendingHashes.TryGetValue(parent, out var pending) ? pending : 0) ^ delta;
        }

        await StandAloneAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The keys of an address's parents, the root first: '[]', '["a"]', ... up to the atom's own parent.</summary>
    private static string[] ParentKeys(string[] address)
    {
        var keys = new string[address.Length];
        for (var length = 0; length < address.Length; length++)
        {
            keys[length] = AtomJson.WriteAddress(address[..length]);
        }

        return keys;
    }

    /// <summary>A write outside a unit of work stands alone: a transaction of its own, committed now.</summary>
    private async ValueTask StandAloneAsync(CancellationToken cancellationToken)
    {
        if (!_session.InUnit)
        {
            BeginUnit();
            await CommitUnitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends what the unit of work buffered, in one batch inside its transaction (begun here at its first write).</summary>
    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pendingData.Count == 0 && _pendingMeta.Count == 0 && _pendingHashes.Count == 0)
        {
            return;
        }

        try
        {
            var transaction = await _session.TransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(_session.Connection, transaction);
            AddUpserts(batch, _schema.Data, "atom", _pendingData.Where(p => p.Value.Json is not null).Select(p => (p.Key, p.Value.Address, p.Value.Json!)).ToList());
            if (_pendingData.Where(p => p.Value.Json is null).Select(p => p.Key).ToArray() is { Length: > 0 } removed)
            {
                batch.BatchCommands.Add(PostgreSqlSession.Statement($"DELETE FROM {_schema.Data} WHERE \"address\" = ANY($1)", (object)removed)); // One parameter, the array: not params spread.
            }

            AddUpserts(batch, _schema.Meta, "timestamp", _pendingMeta.Select(p => (p.Key, p.Value.Address, Quoted(p.Value.Timestamp))).ToList());
            if (_pendingHashes.Count > 0)
            {
                // XOR is PostgreSQL's #; hashes are kept as the unsigned 32-bit values they are.
                batch.BatchCommands.Add(PostgreSqlSession.Statement(
                    $"INSERT INTO {_schema.Hashes} (\"parent\", \"hash\") SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = {_schema.Hashes}.\"hash\" # excluded.\"hash\"",
                    _pendingHashes.Keys.ToArray(),
                    _pendingHashes.Values.Select(hash => (long)hash).ToArray()));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            throw _session.Failure("write", exception);
        }

        ForgetBuffers();
    }

    /// <summary>One INSERT ... SELECT FROM unnest(arrays) ON CONFLICT for every buffered row of a table: the address, the leaf, and each level.</summary>
    private void AddUpserts(NpgsqlBatch batch, string table, string leaf, List<(string Key, string[] Address, string Leaf)> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var columns = string.Join(", ", _schema.Levels.Select(PostgreSqlSchema.Quote));
        var arrays = string.Join(", ", _schema.Levels.Select((_, i) => $"${i + 3}::text[]"));
        var values = new List<object> { rows.Select(row => row.Key).ToArray(), rows.Select(row => row.Leaf).ToArray() };
        for (var level = 0; level < Depth; level++)
        {
            values.Add(rows.Select(row => row.Address[level]).ToArray());
        }

        batch.BatchCommands.Add(PostgreSqlSession.Statement(
            $"INSERT INTO {table} (\"address\", {PostgreSqlSchema.Quote(leaf)}, {columns}) SELECT * FROM unnest($1::text[], $2::text[], {arrays}) ON CONFLICT (\"address\") DO UPDATE SET {PostgreSqlSchema.Quote(leaf)} = excluded.{PostgreSqlSchema.Quote(leaf)}",
            [.. values]));
    }

    /// <summary>The forgotten caches of a unit that ended (committed or not).</summary>
    private void ForgetUnit()
    {
        _knownTimestamps.Clear();
        _lastTimestampRead = null;
        _hashesCheckedInUnit = false;
    }

    /// <summary>The reference keeps a timestamp as JSON text, quotes included (its characters need no escaping).</summary>
    private static string Quoted(string timestamp) => "\"" + timestamp + "\"";

    private static string Unquoted(string stored) =>
        stored.Length >= 2 && stored[0] == '"' ? (stored.Contains('\\', StringComparison.Ordinal) ? AtomJson.Parse(stored).AsString() : stored[1..^1]) : stored;
}
