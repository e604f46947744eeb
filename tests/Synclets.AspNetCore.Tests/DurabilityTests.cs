using System.Collections.Concurrent;
using Synclets.Connectors;
using Synclets.Transports;
using Synclets.Tests.Support;

namespace Synclets.AspNetCore.Tests;

/// <summary>"Synced" means stored: what a client wrote is on the server when it is told so, when it stops at once, and when it started offline.</summary>
public sealed class DurabilityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WhenStoredAsync_completes_only_once_the_server_store_holds_every_write()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, shared: false);
        await using var client = Client(host.Room("notes"), "writer");
        await client.StartAsync();
        for (var i = 0; i < 3000; i++)
        {
            _ = client.SetAtomAsync([$"row{i}", "text"], $"note {i}");
        }

        await client.WhenStoredAsync().WaitAsync(Patience);

        var store = host.Broker.GetRoomStore("notes")!;
        Assert.Equal(3000, (await store.GetChildIdsAsync([])).Count); // At once: no waiting for the server.
    }

    [Fact]
    public async Task WhenSyncedAsync_completes_when_the_server_holds_the_same_tree()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, shared: false);
        await using var first = Client(host.Room("notes"), "first");
        await first.StartAsync();
        await first.SetAtomAsync(["a", "text"], "from first");
        await first.WhenSyncedAsync().WaitAsync(Patience);

        await using var second = Client(host.Room("notes"), "second");
        await second.SetAtomAsync(["b", "text"], "from second, offline");
        await second.StartAsync();
        await second.WhenSyncedAsync().WaitAsync(Patience);

        Assert.Equal("""{"a":{"text":"from first"},"b":{"text":"from second, offline"}}""", (await second.GetDataAsync()).ToJsonString());
        Assert.Equal((await second.GetDataAsync()).ToJsonString(), (await host.Broker.GetRoomStore("notes")!.GetDataAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_client_that_writes_a_lot_and_stops_at_once_loses_nothing_even_as_its_room_is_released()
    {
        var stores = new ConcurrentDictionary<string, RoomStorage>();
        await using var host = await BrokerHost.StartAsync(configure: options => options.StoreFactory = (room, _, _) =>
            ValueTask.FromResult<RoomStorage?>(stores.GetOrAdd(room, _ => new RoomStorage(new MemoryDataConnector(2), new MemoryMetaConnector(2)))), shared: false);
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Broker.ConnectionClosed += (_, _) => released.TrySetResult();

        await using (var writer = Client(host.Room("bulk"), "writer"))
        {
            await writer.StartAsync();
            var writes = new List<Task>();
            for (var i = 0; i < 5000; i++)
            {
                writes.Add(writer.SetAtomAsync([$"row{i}", "text"], $"note {i}"));
            }

            await Task.WhenAll(writes);
            await writer.StopAsync(); // At once: no wait for the server.
        }

        await released.Task.WaitAsync(Patience);
        await using var reader = Client(host.Room("bulk"), "reader");
        await reader.StartAsync();
        await reader.WhenSyncedAsync().WaitAsync(Patience);
        Assert.Equal(5000, (await reader.GetChildIdsAsync([])).Count);
    }

    [Fact]
    public async Task An_app_starts_offline_works_locally_and_syncs_when_the_server_comes_up()
    {
        var port = FreePorts.Next();
        await using var client = Client(new Uri($"ws://127.0.0.1:{port}/sync/later"), "offline-first");
        await client.StartAsync(); // No server yet: it starts all the same.
        await client.SetAtomAsync(["todo", "title"], "written offline");

        await using var host = await BrokerHost.StartAsync(stores: 2, port: port, shared: false);
        await client.WhenSyncedAsync().WaitAsync(Patience);
        Assert.Equal("written offline", (await host.Broker.GetRoomStore("later")!.GetAtomAsync(["todo", "title"])).AsString());
    }


    private static Synclet Client(Uri room, string id) =>
        new(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(room, new WebSocketTransportOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50) }), new SyncletOptions { Id = id, AcknowledgementRetry = TimeSpan.FromMilliseconds(500) });
}
