using System.Diagnostics;
using Npgsql;
using Synclets.Sqlite;
using Synclets.Tests.Support;

namespace Synclets.PostgreSql.Tests;

/// <summary><c>synclets serve --postgres</c> as a user runs it: rooms as schemas on a real server, SQLite clients syncing through it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ServeOnPostgresTests(PostgresServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-serve-pg-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [PostgresFact]
    public async Task A_room_kept_in_PostgreSQL_syncs_one_SQLite_client_to_another_and_outlives_the_server()
    {
        Assert.True(File.Exists(SyncletsTool.Path), $"the tool is not built at {SyncletsTool.Path}");
        var room = "todos-" + server.NewSchema();
        var laptop = Path.Combine(_folder, "laptop.db");
        await using (var store = await SqliteStore.OpenAsync(laptop, 2))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            await synclet.SetAtomsAsync(["t1"], [KeyValuePair.Create("title", (Atom)"Kept in PostgreSQL"), KeyValuePair.Create("done", (Atom)false)]);
        }

        using (var serve = Start("serve", "--urls", "http://127.0.0.1:0", "--postgres", server.ConnectionString))
        {
            try
            {
                var url = await ListeningAtAsync(serve) + "/sync/" + room;
                var up = await RunAsync("sync", laptop, url);
                Assert.True(up.ExitCode == 0, up.Output);
            }
            finally
            {
                serve.Kill(); // As a crash would: what the client was told is stored must be there.
                await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            }
        }

        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{PostgreSqlStoreOptions.ForRoom(room).Schema}\".data", connection);
            Assert.Equal(2L, await count.ExecuteScalarAsync());
        }

        using var again = Start("serve", "--urls", "http://127.0.0.1:0", "--postgres", server.ConnectionString);
        try
        {
            var url = await ListeningAtAsync(again) + "/sync/" + room;
            var phone = Path.Combine(_folder, "phone.db");
            var down = await RunAsync("sync", phone, url);
            Assert.True(down.ExitCode == 0, down.Output);
            await using var store = await SqliteStore.OpenAsync(phone, 2);
            await using var synclet = new Synclet(store.Data, store.Meta);
            Assert.Equal("""{"t1":{"done":false,"title":"Kept in PostgreSQL"}}""", (await synclet.GetDataAsync()).ToJsonString());
        }
        finally
        {
            again.Kill();
        }
    }

    [Fact]
    public void Every_room_name_gets_a_schema_of_its_own_and_the_same_one_every_time()
    {
        Assert.Equal("room_todos", PostgreSqlStoreOptions.ForRoom("todos").Schema);
        Assert.NotEqual(PostgreSqlStoreOptions.ForRoom("a-b").Schema, PostgreSqlStoreOptions.ForRoom("a_b").Schema);
        Assert.NotEqual(PostgreSqlStoreOptions.ForRoom("Todos").Schema, PostgreSqlStoreOptions.ForRoom("todos").Schema);
        Assert.Equal(PostgreSqlStoreOptions.ForRoom("Ünïcode room").Schema, PostgreSqlStoreOptions.ForRoom("Ünïcode room").Schema);
        var longName = PostgreSqlStoreOptions.ForRoom(new string('x', 128)).Schema;
        Assert.True(longName.Length <= 63, longName);
        Assert.NotEqual(longName, PostgreSqlStoreOptions.ForRoom(new string('x', 127)).Schema);
    }

    /// <summary>Where a started server listens, once it says so, checked to keep its rooms in PostgreSQL.</summary>
    private static async Task<string> ListeningAtAsync(Process serve)
    {
        var line = await SyncletsTool.WaitUntilListeningAsync(serve);
        Assert.Contains("PostgreSQL stores in database 'postgres'", line, StringComparison.Ordinal);
        return line["Listening on ".Length..line.IndexOf("/sync/", StringComparison.Ordinal)];
    }

    private Process Start(params string[] arguments) => SyncletsTool.Start(_folder, arguments);

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => SyncletsTool.RunAsync(_folder, arguments);
}
