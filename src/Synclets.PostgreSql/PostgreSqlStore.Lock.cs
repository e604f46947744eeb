using Npgsql;

namespace Synclets.PostgreSql;

// One writer per store: a session advisory lock on the schema, and errors that name who holds it;
// a connection that broke (the server restarted, the network dropped) is replaced between units.
public sealed partial class PostgreSqlStore
{
    /// <summary>
    /// Before a read or a unit's first write: a connection the server or the network broke is
    /// replaced, and the lock taken again on the new session (the old session's lock died with it),
    /// so the store works on once the server is back instead of failing every call. Never inside a
    /// transaction: a unit whose connection broke has failed, and is rolled back whole.
    /// </summary>
    private async ValueTask EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_connection.State == System.Data.ConnectionState.Open || _transaction is not null)
        {
            return;
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
        try
        {
            _connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await LockAsync(_connection, _schemaName, _description, cancellationToken).ConfigureAwait(false);
            await MarkStoreSessionAsync(_connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            throw OpenFailure(exception, _description);
        }
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
