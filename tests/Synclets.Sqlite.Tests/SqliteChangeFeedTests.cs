using Microsoft.Data.Sqlite;
using Synclets.Connectors;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Sqlite.Tests;

/// <summary>
/// The change feed over SQLite files, both layouts (docs/concepts.md, "Reconnects that cost what
/// changed"): the log survives a reopen, so a restarted app reconnects for what changed and
/// resumes a cut first sync; a file restored from an old copy, or copied from a peer, starts an
/// epoch of its own and syncs by hashes once.
/// </summary>
public sealed class SqliteChangeFeedTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("generic")]
    [InlineData("typed")]
    public async Task A_reopened_store_reconnects_for_what_changed(string layout)
    {
        var pool = new MemoryPool();
        await using var serverStore = await OpenAsync(layout, _folder.NewFile("server"));
        await using var server = new Synclet(serverStore.Data, serverStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "server" });
        await FillAsync(server, rows: 2_000);
        await server.StartAsync();
        var clientPath = _folder.NewFile("client");
        await using (var clientStore = await OpenAsync(layout, clientPath))
        await using (var client = new Synclet(clientStore.Data, clientStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "client" }))
        {
            await client.StartAsync();
            await Quiescence.WaitAsync(server, client, pool);
        }

        for (var i = 0; i < 10; i++)
        {
            await server.SetAtomAsync([$"r{i * 200}", "Name"], $"changed {i}");
        }

        // The app starts again: a new store object on the same file, a new synclet.
        await using (var clientStore = await OpenAsync(layout, clientPath))
        await using (var client = new Synclet(clientStore.Data, clientStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "client" }))
        {
            var sent = server.Statistics.BytesSent;
            await client.StartAsync();
            await Quiescence.WaitAsync(server, client, pool);

            Assert.Equal(await server.GetHashAsync([]), await client.GetHashAsync([]));
            Assert.Equal("changed 9", (await client.GetAtomAsync(["r1800", "Name"])).AsString());
            Assert.InRange(server.Statistics.BytesSent - sent, 1, 4 * 1024); // Ten rows, not a listing of 2,000.
        }
    }

    [Theory]
    [InlineData("generic")]
    [InlineData("typed")]
    public async Task A_first_sync_cut_half_way_resumes_after_the_app_restarts(string layout)
    {
        var pool = new CuttingPool();
        await using var serverStore = await OpenAsync(layout, _folder.NewFile("server"));
        await using var server = new Synclet(serverStore.Data, serverStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "server", MaxNodesPerMessage = 500 });
        await FillAsync(server, rows: 2_000);
        await server.StartAsync();
        var clientPath = _folder.NewFile("client");
        long firstAttempt;
        await using (var clientStore = await OpenAsync(layout, clientPath))
        await using (var client = new Synclet(clientStore.Data, clientStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "client" }))
        {
            pool.CutAfter(batches: 4); // Of 8: half of the 4,000 atoms arrive, then the connection drops.
            await client.StartAsync();
            await Quiescence.WaitAsync(server, client, pool);
            firstAttempt = client.Statistics.BytesReceived;
            Assert.InRange((await client.GetDataAsync()).Count, 900, 1_100);
        }

        pool.Mend();
        await using (var clientStore = await OpenAsync(layout, clientPath))
        await using (var client = new Synclet(clientStore.Data, clientStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "client" }))
        {
            var reports = new List<SyncProgressEventArgs>();
            client.Progress += (_, progress) => reports.Add(progress);
            await client.StartAsync();
            await Quiescence.WaitAsync(server, client, pool);

            Assert.Equal(await server.GetHashAsync([]), await client.GetHashAsync([]));
            Assert.True(client.Statistics.BytesReceived < firstAttempt * 1.2, $"the second attempt received {client.Statistics.BytesReceived} bytes, the first {firstAttempt}");
            Assert.InRange(reports[^1].Expected, 1_500, 2_500); // What was left, not the whole store.
            Assert.True(reports[^1].Completed);
        }
    }

    [Fact]
    public async Task A_store_restored_from_an_old_copy_starts_a_new_epoch_and_loses_nothing()
    {
        var pool = new MemoryPool();
        var serverPath = _folder.NewFile("server");
        var backup = _folder.NewFile("backup");
        var logs = new TestLoggerFactory();
        await using var clientStore = await SqliteStore.OpenAsync(_folder.NewFile("client"), 2);
        await using var client = new Synclet(clientStore.Data, clientStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "client" });
        string oldEpoch;
        await using (var serverStore = await SqliteStore.OpenAsync(serverPath, 2))
        await using (var server = new Synclet(serverStore.Data, serverStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "server" }))
        {
            await FillAsync(server, rows: 100);
        }

        SqliteConnection.ClearAllPools();
        File.Copy(serverPath, backup);

        await using (var serverStore = await SqliteStore.OpenAsync(serverPath, 2))
        await using (var server = new Synclet(serverStore.Data, serverStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "server" }))
        {
            oldEpoch = serverStore.Meta.Epoch;
            await server.StartAsync();
            await client.StartAsync();
            for (var i = 0; i < 20; i++)
            {
                await server.SetAtomAsync(["after the backup", $"c{i}"], i); // The client sees the log past the backup.
            }

            await Quiescence.WaitAsync(server, client, pool);
            await client.StopAsync();
        }

        SqliteConnection.ClearAllPools();
        File.Copy(backup, serverPath, overwrite: true);
        await using (var serverStore = await SqliteStore.OpenAsync(serverPath, 2))
        await using (var server = new Synclet(serverStore.Data, serverStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "server", LoggerFactory = logs }))
        {
            await server.SetAtomAsync(["written on the restored copy", "c"], "new");
            await server.StartAsync();
            await client.StartAsync();
            await Quiescence.WaitAsync(server, client, pool);

            Assert.NotEqual(oldEpoch, serverStore.Meta.Epoch);
            Assert.Contains(logs.Warnings, warning => warning.Contains("restored from an older copy", StringComparison.Ordinal));
            Assert.Equal(await server.GetHashAsync([]), await client.GetHashAsync([]));
            Assert.Equal(19, (await server.GetAtomAsync(["after the backup", "c19"])).AsNumber()); // Back from the client.
            Assert.Equal("new", (await client.GetAtomAsync(["written on the restored copy", "c"])).AsString());
        }
    }

    [Fact]
    public async Task A_store_copied_from_a_peer_takes_an_epoch_of_its_own_and_then_reconnects_by_feed()
    {
        var pool = new MemoryPool();
        var onePath = _folder.NewFile("one");
        var twoPath = _folder.NewFile("two");
        await using (var filled = await SqliteStore.OpenAsync(onePath, 2))
        await using (var synclet = new Synclet(filled.Data, filled.Meta))
        {
            await FillAsync(synclet, rows: 500);
        }

        SqliteConnection.ClearAllPools();
        File.Copy(onePath, twoPath);
        await using var oneStore = await SqliteStore.OpenAsync(onePath, 2);
        await using var twoStore = await SqliteStore.OpenAsync(twoPath, 2);
        Assert.Equal(oneStore.Meta.Epoch, twoStore.Meta.Epoch);
        await using var one = new Synclet(oneStore.Data, oneStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "one" });
        await using var two = new Synclet(twoStore.Data, twoStore.Meta, pool.CreateTransport(), new SyncletOptions { Id = "two" });
        await one.StartAsync();
        await two.StartAsync();
        await Quiescence.WaitAsync(one, two, pool);
        Assert.NotEqual(oneStore.Meta.Epoch, twoStore.Meta.Epoch);

        await two.StopAsync();
        await one.SetAtomAsync(["r1", "Name"], "changed");
        var sent = one.Statistics.BytesSent + two.Statistics.BytesSent;
        await two.StartAsync();
        await Quiescence.WaitAsync(one, two, pool);

        Assert.Equal("changed", (await two.GetAtomAsync(["r1", "Name"])).AsString());
        Assert.InRange(one.Statistics.BytesSent + two.Statistics.BytesSent - sent, 1, 2 * 1024);
    }

    private static async Task<IStore> OpenAsync(string layout, string path) =>
        layout == "typed"
            ? new Typed(await TypedSqliteStore.OpenAsync<Item>(path))
            : new Generic(await SqliteStore.OpenAsync(path, 2));

    private static async Task FillAsync(Synclet synclet, int rows)
    {
        for (var row = 0; row < rows; row++)
        {
            await synclet.SetAtomsAsync([$"r{row}"], [KeyValuePair.Create("Name", Atom.FromString($"row {row}")), KeyValuePair.Create("Count", Atom.FromNumber(row))]);
        }
    }

    /// <summary>Either layout, as a data and meta connector pair that closes.</summary>
    private interface IStore : IAsyncDisposable
    {
        IDataConnector Data { get; }

        IMetaConnector Meta { get; }
    }

    private sealed class Generic(SqliteStore store) : IStore
    {
        public IDataConnector Data => store.Data;

        public IMetaConnector Meta => store.Meta;

        public ValueTask DisposeAsync() => store.DisposeAsync();
    }

    private sealed class Typed(TypedSqliteStore<Item> store) : IStore
    {
        public IDataConnector Data => store;

        public IMetaConnector Meta => store;

        public ValueTask DisposeAsync() => store.DisposeAsync();
    }
}
