using Dapper;
using Microsoft.Data.Sqlite;
using Synclets.Connectors;
using Synclets.Tests.Scenarios;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Sqlite.Tests;

/// <summary>A row record for the typed tables; the generator writes its SQL mapping.</summary>
[SyncTree(depth: 2)]
public partial record Item(string Id, string? Name, bool Done, int Count, double Score)
{
    // The scenarios write columns "aa", "ab" (depth 2, rows "a" and "b"): the record has them too.
    public string? aa { get; init; }

    public string? ab { get; init; }

    public string? ba { get; init; }
}

/// <summary>The two-way depth-2 scenarios with every synclet on its own typed SQLite table.</summary>
public sealed class TypedSqliteConvergenceTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly List<TypedSqliteStore<Item>> _stores = [];

    public static TheoryData<string> Scenarios() =>
    [
        "Connected", "Connected_deletion", "Start_1_set_1_start_2", "Start_2_set_1_start_1", "Stop_1_set_1_start_1", "Stop_1_set_2_start_1",
        "Set_1_set_2_start_2_start_1", "Connected_near_atom", "Connected_far_atom", "Disconnected_near_atom", "Disconnected_far_atom",
        "Disconnected_conflicting_values", "Disconnected_conflicting_values_2", "Connected_initial", "Tombstones_collected_then_stale_replica_rejoins",
    ];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_at_depth_2(string name)
    {
        var scenario = (Func<NewGroup, int, Task>)Delegate.CreateDelegate(typeof(Func<NewGroup, int, Task>), typeof(ConvergenceScenarios).GetMethod(name)!);
        return scenario((count, depth, topology) => new SyncGroup(count, depth, topology, _ => new MemoryPool(), Storage), 2);
    }

    [Fact]
    public Task N_way_pool_of_10() =>
        ConvergenceScenarios.N_way((count, depth, topology) => new SyncGroup(count, depth, topology, _ => new MemoryPool(), Storage), 10, Topology.Pool, 2);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _folder.Dispose();
    }

    private (IDataConnector, IMetaConnector) Storage(int depth)
    {
        var store = TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("typed")).GetAwaiter().GetResult();
        _stores.Add(store);
        return (store, store);
    }
}

public sealed class TypedSqliteStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public Task The_tombstone_horizon_and_the_collection_survive_a_reopen()
    {
        var path = _folder.NewFile("collected");
        return TombstoneChecks.Horizon_and_collection_survive_a_reopen(async () =>
        {
            var store = await TypedSqliteStore.OpenAsync<Item>(path);
            return (store, store, store);
        });
    }

    [Fact]
    public Task A_generic_store_keeps_its_tombstone_horizon_too()
    {
        var path = _folder.NewFile("collected-generic");
        return TombstoneChecks.Horizon_and_collection_survive_a_reopen(async () =>
        {
            var store = await SqliteStore.OpenAsync(path, 2);
            return (store.Data, store.Meta, store);
        });
    }

    [Fact]
    public async Task Rows_land_in_typed_columns_and_sync_with_a_generic_store()
    {
        var path = _folder.NewFile("typed");
        await using var typed = await TypedSqliteStore.OpenAsync<Item>(path);
        await using var generic = await SqliteStore.OpenAsync(_folder.NewFile("generic"), 2);
        var pool = new MemoryPool();
        await using var typedSynclet = new Synclet(typed, typed, pool.CreateTransport(), new SyncletOptions { Id = "typed" });
        await using var genericSynclet = new Synclet(generic.Data, generic.Meta, pool.CreateTransport(), new SyncletOptions { Id = "generic" });
        var items = Item.CreateStore(typedSynclet);
        await items.UpsertAsync(new Item("i1", "Lamp", Done: true, Count: 3, Score: 0.5));
        await items.UpsertAsync(new Item("i2", null, Done: false, Count: -1, Score: 2));
        await items.UpsertAsync(new Item("i3", string.Empty, Done: false, Count: 0, Score: 0));
        await items.UpsertAsync(new Item("i4", "Crème brûlée \u2713 \U0001F600 " + new string('x', 600), Done: true, Count: 1, Score: 1));
        await items.UpsertAsync(new Item("i5", new string('\u00FC', 20_000), Done: true, Count: 1, Score: 1)); // Beyond the statements' reused text buffer.
        await typedSynclet.StartAsync();
        await genericSynclet.StartAsync();
        await Quiescence.WaitAsync(typedSynclet, genericSynclet, pool);

        Assert.Equal((await typedSynclet.GetDataAsync()).ToJsonString(), (await genericSynclet.GetDataAsync()).ToJsonString());
        Assert.Equal((await typedSynclet.GetMetaAsync()).ToJsonString(), (await genericSynclet.GetMetaAsync()).ToJsonString());
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        var row = await connection.QuerySingleAsync<(string Id, string Name, long Done, long Count, double Score)>("SELECT Id, Name, Done, Count, Score FROM Item WHERE Id = 'i1'");
        Assert.Equal(("i1", "Lamp", 1L, 3L, 0.5), row);
        Assert.Contains("STRICT", await connection.QuerySingleAsync<string>("SELECT sql FROM sqlite_master WHERE name = 'Item'"), StringComparison.Ordinal);

        // Empty text is a value, not NULL; text beyond ASCII keeps every character.
        Assert.Equal(string.Empty, await connection.QuerySingleAsync<string?>("SELECT Name FROM Item WHERE Id = 'i3'"));
        Assert.Equal(new Item("i3", string.Empty, false, 0, 0), await Item.CreateStore(genericSynclet).GetAsync("i3"));
        Assert.Equal("Crème brûlée \u2713 \U0001F600 " + new string('x', 600), (await Item.CreateStore(genericSynclet).GetAsync("i4"))!.Name);
        Assert.Equal(new string('\u00FC', 20_000), await connection.QuerySingleAsync<string>("SELECT Name FROM Item WHERE Id = 'i5'"));

        // A deletion on the generic side removes the typed row once all its cells are gone.
        var genericItems = Item.CreateStore(genericSynclet);
        await genericItems.DeleteAsync("i2");
        await Quiescence.WaitAsync(typedSynclet, genericSynclet, pool);
        Assert.Null(await items.GetAsync("i2"));
        Assert.Equal(0, await connection.QuerySingleAsync<int>("SELECT COUNT(*) FROM Item WHERE Id = 'i2'"));
    }

    [Fact]
    public async Task A_store_larger_than_a_message_streams_its_rows_to_empty_peers_typed_and_generic()
    {
        await using var full = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("full"));
        await using var emptyTyped = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("empty-typed"));
        await using var emptyGeneric = await SqliteStore.OpenAsync(_folder.NewFile("empty-generic"), 2);
        var pool = new MemoryPool();
        await using var fullSynclet = new Synclet(full, full, pool.CreateTransport(), new SyncletOptions { Id = "full", MaxNodesPerMessage = 7 });
        await FillFortyItemsAsync(fullSynclet);
        await fullSynclet.StartAsync();
        await using var typedSynclet = new Synclet(emptyTyped, emptyTyped, pool.CreateTransport(), new SyncletOptions { Id = "typed", MaxNodesPerMessage = 7 });
        await using var genericSynclet = new Synclet(emptyGeneric.Data, emptyGeneric.Meta, pool.CreateTransport(), new SyncletOptions { Id = "generic", MaxNodesPerMessage = 7 });
        await typedSynclet.StartAsync();
        await genericSynclet.StartAsync();
        await Quiescence.WaitAsync(fullSynclet, typedSynclet, genericSynclet, pool);

        var data = (await fullSynclet.GetDataAsync()).ToJsonString();
        var meta = (await fullSynclet.GetMetaAsync()).ToJsonString();
        Assert.Equal(data, (await typedSynclet.GetDataAsync()).ToJsonString());
        Assert.Equal(meta, (await typedSynclet.GetMetaAsync()).ToJsonString());
        Assert.Equal(data, (await genericSynclet.GetDataAsync()).ToJsonString());
        Assert.Equal(meta, (await genericSynclet.GetMetaAsync()).ToJsonString());
        Assert.Null(await Item.CreateStore(typedSynclet).GetAsync("i07"));

        // 40 rows of at least four cells, at most 7 a message, to each of two peers: the replies streamed.
        Assert.True(fullSynclet.Statistics.MessagesSent >= 2 * (40 * 4 / 7), $"{fullSynclet.Statistics.MessagesSent} messages sent");
    }

    [Fact]
    public async Task A_store_larger_than_a_message_streams_its_rows_to_an_empty_peer_that_listed_first()
    {
        // The empty peer runs first, so it answers the full one's hash with an empty list, and the
        // full one streams every row in reply (as a WebSocket client does to an empty store room).
        await using var full = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("full"));
        await using var empty = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("empty"));
        var pool = new MemoryPool();
        await using var fullSynclet = new Synclet(full, full, pool.CreateTransport(), new SyncletOptions { Id = "full", MaxNodesPerMessage = 7 });
        await using var emptySynclet = new Synclet(empty, empty, pool.CreateTransport(), new SyncletOptions { Id = "empty", MaxNodesPerMessage = 7 });
        await FillFortyItemsAsync(fullSynclet);
        await emptySynclet.StartAsync();
        await fullSynclet.StartAsync();
        await Quiescence.WaitAsync(fullSynclet, emptySynclet, pool);

        Assert.Equal((await fullSynclet.GetDataAsync()).ToJsonString(), (await emptySynclet.GetDataAsync()).ToJsonString());
        Assert.Equal((await fullSynclet.GetMetaAsync()).ToJsonString(), (await emptySynclet.GetMetaAsync()).ToJsonString());
        Assert.Equal(new Item("i05", "name \"5\"\n", Done: false, Count: 5, Score: 1.25), await Item.CreateStore(emptySynclet).GetAsync("i05"));
        Assert.True(fullSynclet.Statistics.MessagesSent >= 40 * 4 / 7, $"{fullSynclet.Statistics.MessagesSent} messages sent");
    }

    [Fact]
    public async Task Reconnecting_after_one_change_among_more_rows_than_a_message_holds_sends_little()
    {
        // The listing of forty rows takes several messages; completing it must not look, to the
        // other side, like a whole empty list (which asks for everything).
        await using var first = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("first"));
        await using var second = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("second"));
        var pool = new MemoryPool();
        await using var one = new Synclet(first, first, pool.CreateTransport(), new SyncletOptions { Id = "one", MaxNodesPerMessage = 7 });
        await using var two = new Synclet(second, second, pool.CreateTransport(), new SyncletOptions { Id = "two", MaxNodesPerMessage = 7 });
        await FillFortyItemsAsync(one);
        await one.StartAsync();
        await two.StartAsync();
        await Quiescence.WaitAsync(one, two, pool);
        var initialSync = one.Statistics.BytesSent + two.Statistics.BytesSent;

        await two.StopAsync();
        await Item.CreateStore(one).UpsertAsync(new Item("i05", "changed while two was away", Done: true, Count: 5, Score: 1.25));
        var beforeReconnect = one.Statistics.BytesSent + two.Statistics.BytesSent;
        await two.StartAsync();
        await Quiescence.WaitAsync(one, two, pool);

        Assert.Equal((await one.GetDataAsync()).ToJsonString(), (await two.GetDataAsync()).ToJsonString());
        var reconnect = one.Statistics.BytesSent + two.Statistics.BytesSent - beforeReconnect;
        Assert.True(reconnect < initialSync / 2, $"the reconnect sent {reconnect} bytes; the initial sync {initialSync}");
    }

    /// <summary>Forty items with every kind of cell (nulls, quotes, line breaks), one of them deleted: many messages of 7 nodes.</summary>
    private static async Task FillFortyItemsAsync(Synclet synclet)
    {
        var items = Item.CreateStore(synclet);
        for (var i = 0; i < 40; i++)
        {
            await items.UpsertAsync(new Item($"i{i:00}", i % 3 == 0 ? null : $"name \"{i}\"\n", Done: i % 2 == 0, Count: i, Score: i / 4d));
        }

        await items.DeleteAsync("i07");
    }

    [Fact]
    public async Task A_property_added_later_adds_its_column_and_reads_as_absent()
    {
        var path = _folder.NewFile("evolve");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // Version 1 of the record had no Score column.
            await connection.ExecuteAsync("""
                CREATE TABLE "Item" ("Id" TEXT PRIMARY KEY, "Name" TEXT, "Done" INTEGER, "Count" INTEGER, "aa" TEXT, "ab" TEXT, "ba" TEXT, "absent" INTEGER NOT NULL) STRICT, WITHOUT ROWID;
                CREATE TABLE "Item_meta" ("Id" TEXT PRIMARY KEY, "Name" TEXT, "Done" TEXT, "Count" TEXT, "aa" TEXT, "ab" TEXT, "ba" TEXT) STRICT, WITHOUT ROWID;
                CREATE TABLE "Item_hashes" ("parent" TEXT PRIMARY KEY, "hash" INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO "Item" VALUES ('old', 'Old lamp', 0, 7, NULL, NULL, NULL, 56);
                INSERT INTO "Item_meta" VALUES ('old', 'OhqqeV-----BT7zq', 'OhqqeV----0BT7zq', 'OhqqeV----1BT7zq', NULL, NULL, NULL);
                """);
        }

        await using var store = await TypedSqliteStore.OpenAsync<Item>(path);
        await using var synclet = new Synclet(store, store);
        Assert.Equal("""{"old":{"Count":7,"Done":false,"Name":"Old lamp"}}""", (await synclet.GetDataAsync()).ToJsonString());
        var item = await Item.CreateStore(synclet).GetAsync("old");
        Assert.Equal(new Item("old", "Old lamp", false, 7, 0), item);

        // The file kept no root hash: it was computed on open from the three timestamps.
        Assert.Equal(Fnv1a.Hash("OhqqeV-----BT7zq") ^ Fnv1a.Hash("OhqqeV----0BT7zq") ^ Fnv1a.Hash("OhqqeV----1BT7zq"), await synclet.GetHashAsync([]));
    }

    [Fact]
    public async Task Hashes_stay_right_when_a_received_batch_meets_rows_it_already_has()
    {
        var pool = new MemoryPool();
        var sourcePath = _folder.NewFile("source");
        var targetPath = _folder.NewFile("target");
        await using (var source = await TypedSqliteStore.OpenAsync<Item>(sourcePath))
        await using (var target = await TypedSqliteStore.OpenAsync<Item>(targetPath))
        {
            await using var sourceSynclet = new Synclet(source, source, pool.CreateTransport(), new SyncletOptions { Id = "source" });
            await using var targetSynclet = new Synclet(target, target, pool.CreateTransport(), new SyncletOptions { Id = "target" });
            var sourceItems = Item.CreateStore(sourceSynclet);
            var targetItems = Item.CreateStore(targetSynclet);

            // The target holds some rows already: older than the source's, newer, and its own.
            await targetItems.UpsertAsync(new Item("i1", "old", false, 1, 1));
            for (var i = 0; i < 50; i++)
            {
                await sourceItems.UpsertAsync(new Item($"i{i}", $"name {i}", i % 2 == 0, i, i / 2.0));
            }

            await targetItems.UpsertAsync(new Item("i2", "newer on the target", true, 2, 2));
            await targetItems.UpsertAsync(new Item("mine", "only on the target", true, 0, 0));
            await sourceSynclet.StartAsync();
            await targetSynclet.StartAsync();
            await Quiescence.WaitAsync(sourceSynclet, targetSynclet, pool);

            Assert.Equal((await sourceSynclet.GetDataAsync()).ToJsonString(), (await targetSynclet.GetDataAsync()).ToJsonString());
            Assert.Equal("newer on the target", (await sourceItems.GetAsync("i2"))!.Name);
            await AssertHashesMatchTimestampsAsync(target);
        }

        // Reopened, the stored root hash is the one every timestamp gives.
        await using var reopened = await TypedSqliteStore.OpenAsync<Item>(targetPath);
        await AssertHashesMatchTimestampsAsync(reopened);
    }

    private static async Task AssertHashesMatchTimestampsAsync(TypedSqliteStore<Item> store)
    {
        var root = 0u;
        foreach (var row in await ((IMetaConnector)store).GetChildIdsAsync([]))
        {
            var rowHash = 0u;
            foreach (var timestamp in (await store.GetChildTimestampsAsync([row])).Values)
            {
                rowHash ^= Fnv1a.Hash(timestamp);
            }

            Assert.Equal(rowHash, await store.GetHashAsync([row]));
            root ^= rowHash;
        }

        Assert.Equal(root, await store.GetHashAsync([]));
    }

    [Fact]
    public async Task An_atom_of_the_wrong_kind_is_refused_with_a_clear_error_and_nothing_is_kept()
    {
        await using var store = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile());
        await using var synclet = new Synclet(store, store);
        var error = await Assert.ThrowsAsync<SqliteStoreException>(() => synclet.SetAtomAsync(["i1", "Done"], "not a boolean"));
        Assert.Contains("Column 'Done' of table Item holds Boolean atoms", error.Message, StringComparison.Ordinal);
        Assert.Equal("{}", (await synclet.GetMetaAsync()).ToJsonString());
    }

    [Fact]
    public async Task Text_with_half_a_surrogate_pair_is_refused_rather_than_changed()
    {
        await using var store = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile());
        await using var synclet = new Synclet(store, store);
        await synclet.SetAtomAsync(["i1", "Name"], "whole \uD83D\uDE00 pair");
        var error = await Assert.ThrowsAsync<SqliteStoreException>(() => synclet.SetAtomAsync(["i2", "Name"], "cut \uD83D"));
        Assert.Contains("half of a UTF-16 surrogate pair", error.Message, StringComparison.Ordinal);
        var items = Item.CreateStore(synclet);
        Assert.Equal("whole \uD83D\uDE00 pair", (await items.GetAsync("i1"))!.Name);
        Assert.Null(await items.GetAsync("i2"));
    }
}
