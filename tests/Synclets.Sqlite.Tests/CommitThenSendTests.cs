using Dapper;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Sqlite.Tests;

/// <summary>Peers hear only what is committed: a unit of work that fails part way (a full disk) relays nothing of what it wrote first.</summary>
public sealed class CommitThenSendTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_message_whose_apply_fails_on_a_full_disk_is_not_relayed_even_in_part()
    {
        // writer - middle (SQLite, relays each atom it applies at once) - reader
        var left = new MemoryPool();
        var right = new MemoryPool();
        await using var store = await SqliteStore.OpenAsync(_folder.NewFile(), 2);
        await using var writer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), left.CreateTransport(), new SyncletOptions { Id = "writer" });
        await using var middle = new Synclet(store.Data, store.Meta, [left.CreateTransport(), right.CreateTransport()], new SyncletOptions { Id = "middle", MaxNodesPerMessage = 1 });
        await using var reader = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), right.CreateTransport(), new SyncletOptions { Id = "reader" });
        foreach (var synclet in new[] { writer, middle, reader })
        {
            await synclet.StartAsync();
        }

        await Quiescence.WaitAsync(writer, middle, reader, left, right);

        // The disk fills: the middle's database may not grow. Two small cells fit, the third does not.
        var pages = await store.Connection.ExecuteScalarAsync<long>("PRAGMA page_count");
        await store.Connection.ExecuteAsync($"PRAGMA max_page_count = {pages}");
        await writer.SetAtomsAsync(["row"], [KeyValuePair.Create("a", (Atom)"small"), KeyValuePair.Create("b", (Atom)"small"), KeyValuePair.Create("c", (Atom)new string('x', 200_000))]);
        await Quiescence.WaitAsync(writer, middle, reader, left, right);

        Assert.Equal("{}", (await middle.GetDataAsync()).ToJsonString()); // Rolled back.
        Assert.Equal("{}", (await reader.GetDataAsync()).ToJsonString()); // And never heard of.
    }

    [Fact]
    public async Task An_acknowledgement_after_a_failed_apply_does_not_say_stored_until_the_writes_are()
    {
        // A writer's change fails to apply on the store (a full disk); its next request for an
        // acknowledgement is answered, as every request is, after the failure. The answer must not
        // tell the writer "stored": WhenStoredAsync waits until the change is in.
        var pool = new MemoryPool();
        await using var store = await SqliteStore.OpenAsync(_folder.NewFile(), 2);
        await using var writer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "writer", AcknowledgementRetry = TimeSpan.FromMilliseconds(200) });
        await using var server = new Synclet(store.Data, store.Meta, pool.CreateTransport(), new SyncletOptions { Id = "server" });
        await writer.StartAsync();
        await server.StartAsync();
        await Quiescence.WaitAsync(writer, server, pool);

        var pages = await store.Connection.ExecuteScalarAsync<long>("PRAGMA page_count");
        await store.Connection.ExecuteAsync($"PRAGMA max_page_count = {pages}");
        await writer.SetAtomAsync(["row", "big"], new string('x', 200_000));
        await Quiescence.WaitAsync(writer, server, pool);
        Assert.NotNull(server.Statistics.LastApplyFailure);

        var stored = writer.WhenStoredAsync();
        await Quiescence.WaitAsync(writer, server, pool); // The request asked, answered "some failed", the sync after it failed again.
        Assert.False(stored.IsCompleted);

        // Room on the disk again: the wait's next request finds the change stored.
        await store.Connection.ExecuteAsync("PRAGMA max_page_count = 1073741823");
        await stored.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200_000, (await server.GetAtomAsync(["row", "big"])).AsString().Length);
        Assert.Null(server.Statistics.LastApplyFailure);
    }
}
