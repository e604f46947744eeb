using Npgsql;
using Synclets.AspNetCore;
using Synclets.PostgreSql;

namespace Synclets.Cli;

/// <summary><c>serve --postgres</c>: one data source for the server, a schema per room (see <see cref="PostgreSqlStoreOptions.ForRoom"/>).</summary>
internal sealed class PostgresRooms(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    /// <summary>The rooms' data source, or null when the connection string does not parse.</summary>
    public static PostgresRooms? Create(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "synclets serve" };
            return new PostgresRooms(NpgsqlDataSource.Create(builder));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A room's store: its schema keeps its depth; a new room takes <paramref name="newDepth"/>.</summary>
    public async ValueTask<RoomStorage> OpenAsync(string room, int newDepth, CancellationToken cancellationToken)
    {
        var options = PostgreSqlStoreOptions.ForRoom(room);
        var depth = await PostgreSqlStore.ReadDepthAsync(dataSource, options, cancellationToken) ?? newDepth;
        var store = await PostgreSqlStore.OpenAsync(dataSource, depth, options, cancellationToken);
        return new RoomStorage(store.Data, store.Meta, store);
    }

    /// <summary>Where the rooms are, without the password.</summary>
    public string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return $"database '{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
