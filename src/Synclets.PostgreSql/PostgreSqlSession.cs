using Npgsql;

namespace Synclets.PostgreSql;

/// <summary>
/// What every PostgreSQL store stands on, whatever its layout: one connection holding the store's
/// advisory lock (one writer per store: a second opener gets an error naming the holder),
/// replaced with the lock taken again when the server or the network broke it; the unit of work's
/// one transaction, begun at its first write and committed or rolled back whole; and failures
/// that say what to do.
/// </summary>
internal sealed class PostgreSqlSession : IAsyncDisposable
{
    /// <summary>The first key of our advisory locks ("SYNC"); the second is the schema's hash.</summary>
    private const int LockSpace = 0x53594E43;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _schema;
    private int _units;

    private PostgreSqlSession(NpgsqlDataSource dataSource, bool ownsDataSource, string schema, NpgsqlConnection connection, string description)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _schema = schema;
        Connection = connection;
        Description = description;
    }

    /// <summary>The store in words, for messages: its schema and the server's database, host and port.</summary>
    public string Description { get; }

    public NpgsqlConnection Connection { get; private set; }

    /// <summary>The open unit of work's transaction, once it has written or read under its lock.</summary>
    public NpgsqlTransaction? Transaction { get; private set; }

    /// <summary>True inside a unit of work.</summary>
    public bool InUnit => _units > 0;

    /// <summary>A data source from a connection string, or an error saying how to write one.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new PostgreSqlStoreException($"The PostgreSQL connection string is not valid: {exception.Message} Write it as 'Host=...;Username=...;Password=...;Database=...'.", exception);
        }

        builder.ApplicationName ??= "synclets";
        return NpgsqlDataSource.Create(builder);
    }

    /// <summary>
    /// Opens a store on a data source of its own, made from <paramref name="connectionString"/>
    /// (the store disposes it when it closes); disposed at once when the store cannot be opened.
    /// </summary>
    public static async Task<TStore> OpenOnOwnDataSourceAsync<TStore>(string connectionString, Func<NpgsqlDataSource, Task<TStore>> open)
    {
        var dataSource = CreateDataSource(connectionString);
        try
        {
            return await open(dataSource).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects and takes the store's lock; the data source is disposed with the session when it is the session's own.</summary>
    /// <exception cref="PostgreSqlStoreException">The server cannot be reached or refuses the login, or another process holds the store.</exception>
    public static async Task<PostgreSqlSession> OpenAsync(NpgsqlDataSource dataSource, bool ownsDataSource, string schema, CancellationToken cancellationToken)
    {
        var description = $"schema '{schema}' of {Describe(dataSource)}";
        NpgsqlConnection? connection = null;
        try
        {
            connection = await ConnectAsync(dataSource, schema, description, cancellationToken).ConfigureAwait(false);
            return new PostgreSqlSession(dataSource, ownsDataSource, schema, connection, description);
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            await CloseAsync(connection).ConfigureAwait(false);
            throw OpenFailure(exception, description);
        }
        catch
        {
            await CloseAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Opens a session and a store of any layout on it (<paramref name="create"/> makes its tables
    /// and reads what it needs); the session is closed again when the store cannot be made.
    /// </summary>
    public static async Task<TStore> OpenStoreAsync<TStore>(NpgsqlDataSource dataSource, bool ownsDataSource, string schema, Func<PostgreSqlSession, Task<TStore>> create, CancellationToken cancellationToken)
    {
        var session = await OpenAsync(dataSource, ownsDataSource, schema, cancellationToken).ConfigureAwait(false);
        try
        {
            return await create(session).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw OpenFailure(exception, session.Description);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void BeginUnit() => _units++;

    /// <summary>
    /// Ends a unit of work: the outermost end sends what the store buffered (<paramref name="flush"/>)
    /// and commits; whatever fails, nothing of the unit stays buffered or open
    /// (<paramref name="rollBack"/> forgets the store's buffers). <paramref name="forget"/> runs
    /// at every outermost end, committed or not.
    /// </summary>
    public async ValueTask CommitUnitAsync(Func<CancellationToken, ValueTask> flush, Action rollBack, Action forget, CancellationToken cancellationToken)
    {
        if (_units > 1)
        {
            _units--;
            return;
        }

        try
        {
            await flush(cancellationToken).ConfigureAwait(false);
            _units = 0;
            if (Transaction is { } transaction)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                await transaction.DisposeAsync().ConfigureAwait(false);
                Transaction = null;
            }
        }
        catch (Exception exception)
        {
            rollBack();
            await RollbackUnitAsync().ConfigureAwait(false);
            if (exception is NpgsqlException or PostgresException)
            {
                throw Failure("commit", exception);
            }

            throw;
        }
        finally
        {
            forget();
        }
    }

    /// <summary>
    /// Runs a store's statements that cannot wait for its commit (tombstone collection): after what
    /// the store buffered (<paramref name="flush"/>), in the unit's transaction, or, outside a unit,
    /// in one of their own that the store commits (<paramref name="commit"/>) or rolls back
    /// (<paramref name="rollBack"/>) at once.
    /// </summary>
    public async Task WriteNowAsync(Func<CancellationToken, ValueTask> flush, Func<Task> write, Func<CancellationToken, ValueTask> commit, Func<ValueTask> rollBack, CancellationToken cancellationToken)
    {
        var alone = !InUnit;
        if (alone)
        {
            BeginUnit();
        }

        try
        {
            await flush(cancellationToken).ConfigureAwait(false);
            await TransactionAsync(cancellationToken).ConfigureAwait(false);
            await write().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            if (alone)
            {
                await rollBack().ConfigureAwait(false);
            }

            throw Failure("write", exception);
        }

        if (alone)
        {
            await commit(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rolls the unit of work's transaction back (a broken connection rolled it back already).</summary>
    public async ValueTask RollbackUnitAsync()
    {
        _units = 0;
        if (Transaction is not { } transaction)
        {
            return;
        }

        try
        {
            await transaction.RollbackAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The connection broke: the server rolled the transaction back itself.
        }

        await transaction.DisposeAsync().ConfigureAwait(false);
        Transaction = null;
    }

    /// <summary>The unit's transaction, begun now if this is its first write.</summary>
    public async ValueTask<NpgsqlTransaction> TransactionAsync(CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        return Transaction ??= await Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Before a read or a unit's first write: a connection the server or the network broke is
    /// replaced, and the lock taken again on the new session (the old session's lock died with it),
    /// so the store works on once the server is back instead of failing every call. Never inside a
    /// transaction: a unit whose connection broke has failed, and is rolled back whole.
    /// </summary>
    public async ValueTask EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (Connection.State == System.Data.ConnectionState.Open || Transaction is not null)
        {
            return;
        }

        await Connection.DisposeAsync().ConfigureAwait(false);
        try
        {
            Connection = await ConnectAsync(_dataSource, _schema, Description, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            throw OpenFailure(exception, Description);
        }
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params object[] values)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(sql, values);
        try
        {
            var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return result is DBNull ? null : result;
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            throw Failure("read", exception);
        }
    }

    public async Task ReadAsync(string sql, Action<NpgsqlDataReader> onRow, CancellationToken cancellationToken, params object[] values)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(sql, values);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                onRow(reader);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            throw Failure("read", exception);
        }
    }

    /// <summary>A command on the session, inside the unit's transaction when there is one; its values are parameters $1, $2... (an <see cref="NpgsqlParameter"/> is taken as it is).</summary>
    public NpgsqlCommand Command(string sql, object[] values)
    {
        var command = new NpgsqlCommand(sql, Connection, Transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value }); // A typed one as it is.
        }

        return command;
    }

    /// <summary>One statement of a batch, its parameters in order ($1, $2...).</summary>
    public static NpgsqlBatchCommand Statement(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value }); // A typed one as it is.
        }

        return command;
    }

    public PostgreSqlStoreException Failure(string what, Exception exception) => new(
        exception is PostgresException { SqlState: "42501" }
            ? $"Could not {what} the PostgreSQL store ({Description}): permission denied ({exception.Message}). Grant the store's user the rights on the schema, or open a schema it owns. Nothing of this unit of work was kept."
            : $"Could not {what} the PostgreSQL store ({Description}): {exception.Message}. Nothing of this unit of work was kept; the next sync retries it.",
        exception);

    /// <summary>Closes the session (rolling back a unit left open, and releasing the store's lock).</summary>
    public async ValueTask DisposeAsync()
    {
        await RollbackUnitAsync().ConfigureAwait(false);
        try
        {
            // A pooled connection outlives this store: release the lock now, not when the pool resets it.
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", Connection);
            await unlock.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, and the server released the lock with its session.
        }

        await Connection.DisposeAsync().ConfigureAwait(false);
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<NpgsqlConnection> ConnectAsync(NpgsqlDataSource dataSource, string schema, string description, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LockAsync(connection, schema, description, cancellationToken).ConfigureAwait(false);
            await MarkStoreSessionAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The session setting that tells the meta table's trigger a write is the store's own (its hashes kept with it).</summary>
    internal const string StoreSessionSetting = "synclets.store_session";

    /// <summary>Marks the session as the store's, after taking the lock: the trigger then lets its writes be.</summary>
    private static async Task MarkStoreSessionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var mark = new NpgsqlCommand($"SET {StoreSessionSetting} = 'on'", connection);
        await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task LockAsync(NpgsqlConnection connection, string schema, string description, CancellationToken cancellationToken)
    {
        var key = unchecked((int)Fnv1a.Hash(schema));
        await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", connection);
        take.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LockSpace });
        take.Parameters.Add(new NpgsqlParameter<int> { TypedValue = key });
        if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
        {
            return;
        }

        await using var holder = new NpgsqlCommand(
            "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.client_addr::text, 'a local socket'), a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 2",
            connection);
        holder.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockSpace });
        holder.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (uint)key });
        var who = "another session";
        await using (var reader = await holder.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                who = $"server process {reader.GetInt32(0)} ('{reader.GetString(1)}' from {reader.GetString(2)}, connected {reader.GetDateTime(3):u})";
            }
        }

        throw new PostgreSqlStoreException($"The Synclets store in {description} is open in {who}: one process writes a store at a time. Close it there, or open another schema.");
    }

    private static string Describe(NpgsqlDataSource dataSource)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return $"database '{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";
    }

    private static async ValueTask CloseAsync(NpgsqlConnection? connection)
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static PostgreSqlStoreException OpenFailure(Exception exception, string description) => new(
        exception switch
        {
            PostgresException { SqlState: "28P01" or "28000" } => $"Could not open the PostgreSQL store ({description}): the server refused the login ({exception.Message}). Check the user name and password in the connection string.",
            PostgresException { SqlState: "3D000" } => $"Could not open the PostgreSQL store ({description}): the database does not exist ({exception.Message}). Create it first (CREATE DATABASE), or name one that exists.",
            PostgresException { SqlState: "42501" } => $"Could not open the PostgreSQL store ({description}): permission denied ({exception.Message}). The user needs CREATE on the database (for the schema) or on an existing schema, and rights on its tables.",
            _ => $"Could not open the PostgreSQL store ({description}): {exception.Message}. Check that the server is running and reachable at that host and port.",
        },
        exception);
}
