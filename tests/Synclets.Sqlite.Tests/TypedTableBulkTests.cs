using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Sqlite.Tests;

/// <summary>Many rows at once on a typed SQLite table: upserted and deleted in one unit of work, listed in one read, and synced as such.</summary>
public sealed class TypedTableBulkTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task UpsertMany_writes_every_row_in_a_few_messages_and_a_peer_gets_them_all()
    {
        var pool = new MemoryPool();
        await using var store = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("typed"));
        await using var app = new Synclet(store, store, pool.CreateTransport(), new SyncletOptions { Id = "app" });
        await using var peer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "peer" });
        await app.StartAsync();
        await peer.StartAsync();
        await Quiescence.WaitAsync(app, peer, pool);
        var sentBefore = app.Statistics.MessagesSent;
        var items = Item.CreateStore(app);

        var written = await items.UpsertManyAsync(Enumerable.Range(0, 1000).Select(i => new Item($"i{i:D4}", $"item {i}", i % 2 == 0, i, i / 2.0)));
        await Quiescence.WaitAsync(app, peer, pool);

        Assert.Equal(1000 * 7, written); // Every cell of a new row, nulls included.
        Assert.InRange(app.Statistics.MessagesSent - sentBefore, 1, 5); // 7,000 cells at 2,048 nodes a message.
        var listed = await items.ListAsync();
        Assert.Equal(1000, listed.Count);
        Assert.Equal(new Item("i0007", "item 7", false, 7, 3.5), listed[7]);
        Assert.Equal((await app.GetDataAsync()).ToJsonString(), (await peer.GetDataAsync()).ToJsonString());

        // Again, with one change: only that cell is written.
        Assert.Equal(1, await items.UpsertManyAsync(listed.Select(item => item.Id == "i0500" ? item with { Name = "renamed" } : item)));
        Assert.Equal("renamed", (await items.GetAsync("i0500"))!.Name);
    }

    [Fact]
    public async Task DeleteMany_tombstones_the_rows_that_exist_and_skips_the_others()
    {
        await using var store = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("typed"));
        await using var app = new Synclet(store, store);
        var items = Item.CreateStore(app);
        await items.UpsertManyAsync(Enumerable.Range(0, 10).Select(i => new Item($"i{i}", "x", false, i, 0)));

        Assert.Equal(3, await items.DeleteManyAsync(["i1", "i2", "i3", "missing"]));
        Assert.Equal(7, (await items.ListAsync()).Count);
        Assert.Null(await items.GetAsync("i2"));
        Assert.NotEqual(string.Empty, await app.GetTimestampAsync(["i2", "Count"])); // A tombstone, so the deletion syncs.
    }

    [Fact]
    public async Task Two_rows_with_one_key_in_a_bulk_upsert_are_refused_before_anything_is_written()
    {
        await using var store = await TypedSqliteStore.OpenAsync<Item>(_folder.NewFile("typed"));
        await using var app = new Synclet(store, store);
        var items = Item.CreateStore(app);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => items.UpsertManyAsync([new Item("same", "a", false, 1, 0), new Item("same", "b", false, 2, 0)]));
        Assert.Contains("Two rows have the key 'same'", error.Message, StringComparison.Ordinal);
        Assert.Empty(await items.ListAsync());
    }
}
