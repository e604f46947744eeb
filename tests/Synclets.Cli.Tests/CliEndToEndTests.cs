using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Synclets.AspNetCore;
using Synclets.Sqlite;
using Synclets.Tests.Support;

namespace Synclets.Cli.Tests;

/// <summary>The synclets tool as a user runs it: serve in one process, sync and inspect in others, with SQLite files.</summary>
public sealed class CliEndToEndTests : IDisposable
{
    private static readonly string Tool = SyncletsTool.Path;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-cli-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Serve_sync_and_inspect_against_each_other()
    {
        Assert.True(File.Exists(Tool), $"the tool is not built at {Tool}");
        var laptop = Path.Combine(_folder, "laptop.db");
        await using (var store = await SqliteStore.OpenAsync(laptop, 2))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            await synclet.SetAtomsAsync(["t1"], [KeyValuePair.Create("title", (Atom)"Ship the CLI"), KeyValuePair.Create("done", (Atom)false)]);
        }

        using var server = Start("serve", "--urls", "http://127.0.0.1:0", "--data", Path.Combine(_folder, "server"), "--dashboard");
        try
        {
            // The server says where it listens: that line is the signal that it is ready.
            string? line;
            while ((line = await server.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("Listening on ", StringComparison.Ordinal))
            {
            }

            Assert.NotNull(line);
            var room = line["Listening on ".Length..line.IndexOf("/sync/", StringComparison.Ordinal)] + "/sync/todos";

            var up = await RunAsync("sync", laptop, room);
            Assert.True(up.ExitCode == 0, up.Output);
            Assert.Contains("Synced laptop.db", up.Output, StringComparison.Ordinal);

            var phone = Path.Combine(_folder, "phone.db");
            var down = await RunAsync("sync", phone, room);
            Assert.True(down.ExitCode == 0, down.Output);
            Assert.Contains("Syncing: 2 of 2 atoms", down.Output, StringComparison.Ordinal); // The bar of the server's feed...
            Assert.Contains("100%", down.Output, StringComparison.Ordinal);
            Assert.Contains("2 atoms from the server's change feed", down.Output, StringComparison.Ordinal); // ...and the summary.

            var inspect = await RunAsync("inspect", phone);
            Assert.True(inspect.ExitCode == 0, inspect.Output);
            Assert.Contains("depth 2, 2 atoms", inspect.Output, StringComparison.Ordinal);
            Assert.Contains("Ship the CLI", inspect.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(_folder, "server", "todos.db")), "the server keeps the room in its data folder");

            // Its health check, for a load balancer: healthy while it serves.
            using var http = new HttpClient();
            var health = await http.GetAsync(new Uri(room.Replace("ws://", "http://", StringComparison.Ordinal).Replace("/sync/todos", "/healthz", StringComparison.Ordinal)));
            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());

            // Its live page (--dashboard), and the data the page reads.
            var site = room.Replace("ws://", "http://", StringComparison.Ordinal).Replace("/sync/todos", string.Empty, StringComparison.Ordinal);
            Assert.Contains("<title>Synclets server</title>", await http.GetStringAsync(new Uri(site + "/synclets")), StringComparison.Ordinal);
            Assert.StartsWith("{\"rooms\":[", await http.GetStringAsync(new Uri(site + "/synclets/api/rooms")), StringComparison.Ordinal);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Inspecting_a_JavaScript_apps_file_changes_nothing_in_it()
    {
        var path = Path.Combine(_folder, "javascript-app.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // The reference's sqlite3 connector's tables, in the default rollback journal.
            await connection.OpenAsync();
            using var create = connection.CreateCommand();
            create.CommandText = """
                CREATE TABLE data (address TEXT PRIMARY KEY, atom TEXT, address1 TEXT, address2 TEXT);
                CREATE TABLE meta (address TEXT PRIMARY KEY, timestamp TEXT, address1 TEXT, address2 TEXT);
                INSERT INTO data VALUES ('["r1","title"]', '"Buy milk"', 'r1', 'title');
                INSERT INTO meta VALUES ('["r1","title"]', '"OhqqeV-----BT7zq"', 'r1', 'title');
                """;
            await create.ExecuteNonQueryAsync();
        }

        var before = await File.ReadAllBytesAsync(path);
        var inspect = await RunAsync("inspect", path);

        Assert.True(inspect.ExitCode == 0, inspect.Output);
        Assert.Contains("depth 2, 1 atoms", inspect.Output, StringComparison.Ordinal);
        Assert.Contains($"root hash {Fnv1a.Hash("OhqqeV-----BT7zq")}", inspect.Output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + "-wal"), "inspect switched the file to WAL");
    }

    [Fact]
    public async Task Serve_keep_tombstones_forgets_old_deletions_and_tells_a_stale_client_to_rejoin()
    {
        // Ten days ago: the server's room and a phone both had two notes; the phone went offline
        // and the server deleted one.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-10));
        var room = Path.Combine(_folder, "server", ServeCommandFileName("notes"));
        Directory.CreateDirectory(Path.GetDirectoryName(room)!);
        var phone = new Connectors.MemoryDataConnector(2);
        var phoneMeta = new Connectors.MemoryMetaConnector(2);
        await using (var store = await SqliteStore.OpenAsync(room, 2))
        {
            var pool = new Transports.MemoryPool();
            await using var server = new Synclet(store.Data, store.Meta, pool.CreateTransport(), new SyncletOptions { Id = "server", TimeProvider = clock });
            await using var offline = new Synclet(phone, phoneMeta, pool.CreateTransport(), new SyncletOptions { Id = "phone", TimeProvider = clock });
            await server.StartAsync();
            await offline.StartAsync();
            await server.SetAtomAsync(["n1", "text"], "kept");
            await server.SetAtomAsync(["n2", "text"], "deleted");
            await offline.WhenSyncedAsync(new CancellationTokenSource(Patience).Token);
            await offline.StopAsync();
            clock.Advance(TimeSpan.FromMinutes(1));
            await server.DeleteAtomAsync(["n2", "text"]);
        }

        using var serve = Start("serve", "--urls", "http://127.0.0.1:0", "--data", Path.Combine(_folder, "server"), "--keep-tombstones", "7d");
        try
        {
            var site = (await SyncletsTool.WaitUntilListeningAsync(serve))["Listening on ".Length..].Split(' ')[0].Replace("/sync/{room}", string.Empty, StringComparison.Ordinal);
            await using var client = new Synclet(phone, phoneMeta, new Transports.WebSocketTransport(new Uri(site + "/sync/notes")), new SyncletOptions { Id = "phone" });
            await client.StartAsync();

            // The room forgot the deletion when it opened: the phone's copy is refused, not revived, and the phone is told.
            var refused = await Assert.ThrowsAsync<WritesRefusedException>(() => client.WhenSyncedAsync(new CancellationTokenSource(Patience).Token));
            Assert.NotNull(refused.Refused.Horizon);
            var dropped = await client.RejoinAsync(refused.Refused.Horizon.Value, new CancellationTokenSource(Patience).Token);
            Assert.Equal(["n2", "text"], Assert.Single(dropped).Address);
            Assert.Equal("kept", (await client.GetAtomAsync(["n1", "text"])).AsString());
            Assert.True((await client.GetAtomAsync(["n2", "text"])).IsAbsent);
        }
        finally
        {
            serve.Kill();
            await serve.WaitForExitAsync();
        }

        var rejected = await RunAsync("serve", "--keep-tombstones", "soon");
        Assert.Equal(2, rejected.ExitCode);
        Assert.Contains("--keep-tombstones must be", rejected.Output, StringComparison.Ordinal);
    }

    private static string ServeCommandFileName(string room) => Uri.EscapeDataString(room) + ".db";

    [Fact]
    public async Task Serve_does_not_watch_its_working_folder()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // Counted through /proc: Linux only.
        }

        // The data folder is under the working folder, as with the default --data. A configuration
        // watcher on the working folder would see every SQLite write.
        using var server = Start("serve", "--urls", "http://127.0.0.1:0");
        try
        {
            string? line;
            while ((line = await server.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("Listening on ", StringComparison.Ordinal))
            {
            }

            Assert.NotNull(line);
            Assert.True(Directory.Exists(Path.Combine(_folder, "synclets-data")), "the default data folder is in the working folder");
            var watches = Directory.GetFiles($"/proc/{server.Id}/fdinfo")
                .Sum(file => File.ReadLines(file).Count(entry => entry.StartsWith("inotify wd:", StringComparison.Ordinal)));
            Assert.Equal(0, watches);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Inspect_reads_a_typed_store_without_changing_it_and_shows_times()
    {
        var path = Path.Combine(_folder, "typed.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE "Todo" ("Id" TEXT PRIMARY KEY, "Title" TEXT, "Done" INTEGER, "absent" INTEGER NOT NULL DEFAULT 0) STRICT;
                CREATE TABLE "Todo_meta" ("Id" TEXT PRIMARY KEY, "Title" TEXT, "Done" TEXT) STRICT;
                CREATE TABLE "Todo_hashes" ("parent" TEXT PRIMARY KEY, "hash" INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO "Todo" VALUES ('t1', 'C++ and 1+1', 0, 0);
                INSERT INTO "Todo_meta" VALUES ('t1', 'OhqqeV-----BT7zq', 'OhqqeV----0BT7zq');
                """;
            await command.ExecuteNonQueryAsync();
        }

        var before = await File.ReadAllBytesAsync(path);
        var inspect = await RunAsync("inspect", path);

        Assert.True(inspect.ExitCode == 0, inspect.Output);
        Assert.Contains("typed tables Todo (1 rows)", inspect.Output, StringComparison.Ordinal);
        Assert.Contains("C++ and 1+1", inspect.Output, StringComparison.Ordinal);
        Assert.Contains("2026-01-01 00:00:00.000", inspect.Output, StringComparison.Ordinal); // OhqqeV... as a time.
        Assert.Equal(before, await File.ReadAllBytesAsync(path));

        var sync = await RunAsync("sync", path, "ws://127.0.0.1:9/sync/todos");
        Assert.Equal(2, sync.ExitCode);
        Assert.Contains("holds typed tables (Todo)", sync.Output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Sync_sends_a_token_to_a_server_that_requires_one_and_stops_at_a_depth_mismatch_without_saying_synced()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddSynclets(options => options.StoreFactory = (_, _, _) =>
            ValueTask.FromResult<AspNetCore.RoomStorage?>(new AspNetCore.RoomStorage(new Connectors.MemoryDataConnector(3), new Connectors.MemoryMetaConnector(3))));
        await using var app = builder.Build();
        app.Use((context, next) => context.Request.Headers.Authorization == "Bearer secret" ? next(context) : RefuseAsync(context));
        app.UseWebSockets();
        app.MapSynclets("/sync/{room}");
        await app.StartAsync();
        var room = app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/sync/deep";

        var refused = await RunAsync("sync", Path.Combine(_folder, "a.db"), room, "--depth", "3");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("401", refused.Output, StringComparison.Ordinal);

        var deep = await RunAsync("sync", Path.Combine(_folder, "b.db"), room, "--depth", "3", "--token", "secret");
        Assert.True(deep.ExitCode == 0, deep.Output);
        Assert.Contains("Synced", deep.Output, StringComparison.Ordinal);

        var shallow = Path.Combine(_folder, "c.db");
        await using (var store = await SqliteStore.OpenAsync(shallow, 2))
        await using (var synclet = new Synclet(store.Data, store.Meta))
        {
            await synclet.SetAtomAsync(["row", "cell"], "never stored there");
        }

        var mismatch = await RunAsync("sync", shallow, room, "--header", "Authorization: Bearer secret", "--timeout-seconds", "3");
        Assert.Equal(1, mismatch.ExitCode);
        Assert.DoesNotContain("Synced", mismatch.Output, StringComparison.Ordinal);
        Assert.Contains("another depth than this file's 2", mismatch.Output, StringComparison.Ordinal);
    }

    private static Task RefuseAsync(Microsoft.AspNetCore.Http.HttpContext context)
    {
        context.Response.StatusCode = 401;
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("sync x.db http://not-a-websocket", "is not a WebSocket URL")]
    [InlineData("sync x.db ws://127.0.0.1:9/sync/a --header nocolon", "must look like 'Name: value'")]
    [InlineData("serve --room-depth deep", "--room-depth must look like ROOM=DEPTH")]
    [InlineData("inspect missing.db", "holds no Synclets store")]
    [InlineData("serve --depth 0", "--depth must be at least 1")]
    public async Task Bad_arguments_get_a_clear_error(string arguments, string message)
    {
        var result = await RunAsync(arguments.Split(' '));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_has_help()
    {
        foreach (var command in new[] { "serve", "sync", "inspect" })
        {
            var help = await RunAsync(command, "--help");
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("Usage:", help.Output, StringComparison.Ordinal);
        }
    }

    private Process Start(params string[] arguments) => SyncletsTool.Start(_folder, arguments);

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => SyncletsTool.RunAsync(_folder, arguments);
}
