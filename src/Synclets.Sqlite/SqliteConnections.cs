using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>Opens a store's connection, for both layouts alike, with the journal, durability and busy timeout its options ask for.</summary>
internal static class SqliteConnections
{
    /// <summary>
    /// Opens <paramref name="pathOrConnectionString"/> (a connection string when it contains '=');
    /// read-only when the options or the connection string say so, and then nothing, not even the
    /// journal mode, is written. The caller disposes the connection if what it does next fails.
    /// </summary>
    public static async Task<(SqliteConnection Connection, bool ReadOnly)> OpenAsync(string pathOrConnectionString, SqliteStoreOptions options, CancellationToken cancellationToken)
    {
        var builder = pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString, Pooling = false };
        if (options.ReadOnly)
        {
            builder.Mode = SqliteOpenMode.ReadOnly;
        }

        // Microsoft.Data.Sqlite retries a busy database for DefaultTimeout seconds: make that the busy timeout too.
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        var readOnly = builder.Mode == SqliteOpenMode.ReadOnly;
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var busyTimeout = ((int)options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            await connection.RunAsync(readOnly
                ? $"PRAGMA busy_timeout={busyTimeout};"
                : $"PRAGMA journal_mode=WAL; PRAGMA synchronous={options.Synchronous}; PRAGMA busy_timeout={busyTimeout};").ConfigureAwait(false);
            return (connection, readOnly);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes a connection that was opened, when opening a store on it failed.</summary>
    public static async ValueTask CloseAsync(SqliteConnection? connection)
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
