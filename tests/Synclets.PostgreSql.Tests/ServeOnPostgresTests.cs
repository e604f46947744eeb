using System.Diagnostics;
using Npgsql;
using Synclets.Sqlite;

namespace Synclets.PostgreSql.Tests;

/// <summary><c>synclets serve --postgres</c> as a user runs it: rooms as schemas on a real server, SQLite clients syncing through it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ServeOnPostgresTests(PostgresServer server) : IDisposable
{
    private static readonly string Tool = Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("tests", "Synclets.PostgreSql.Tests"), Path.Combine("src", "Synclets.Cli"), StringComparison.Ordinal), "synclets.dll");
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-serve-pg-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [PostgresFact]
    public async Task A_room_kept_in_PostgreSQL_syncs_one_SQLite_client_to_another_and_outlives_the_server()
    {
        Assert.True(File.Exists(Tool), $"the tool is not built at {Tool}");
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

    /// <summary>
    /// The server says where it listens: that line is the signal that it is ready. Its output is
    /// read to the end in the background, so a full pipe never blocks its logging.
    /// </summary>
    private static async Task<string> ListeningAtAsync(Process serve)
    {
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _ = Task.Run(async () =>
        {
            while (await serve.StandardOutput.ReadLineAsync() is { } line)
            {
                output.Enqueue(line);
                if (line.StartsWith("Listening on ", StringComparison.Ordinal))
                {
                    listening.TrySetResult(line);
                }
            }

            listening.TrySetException(new InvalidOperationException("The server stopped before it listened: " + string.Join("\n", output) + await serve.StandardError.ReadToEndAsync()));
        });
        _ = Task.Run(async () => output.Enqueue(await serve.StandardError.ReadToEndAsync()));
        var line = await listening.Task.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains("PostgreSQL stores in database 'postgres'", line, StringComparison.Ordinal);
        return line["Listening on ".Length..line.IndexOf("/sync/", StringComparison.Ordinal)];
    }

    private Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Tool);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        return Process.Start(start)!;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, await output + await error);
    }
}
