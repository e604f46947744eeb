using System.Collections.Concurrent;
using Synclets.Connectors;
using Synclets.Protocol;

namespace Synclets.AspNetCore.Tests;

/// <summary>A room with a store is a star: clients hear the store only, and it relays what it applies.</summary>
public sealed class StoreRoomTests
{
    [Fact]
    public async Task A_change_reaches_the_others_through_the_store_and_is_not_echoed_to_its_author()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2);
        await using var a = Client(host, "a");
        await using var b = Client(host, "b");
        await using var c = Client(host, "c");
        foreach (var client in new[] { a, b, c })
        {
            await client.Synclet.StartAsync();
        }

        var store = host.Broker.GetRoomStore("star")!;
        await Quiescence.WaitAsync(a.Synclet, b.Synclet, c.Synclet, store, host.Activity);
        var receivedByA = a.Synclet.Statistics.MessagesReceived;

        await a.Synclet.SetAtomAsync(["row", "cell"], "from a");
        await Quiescence.WaitAsync(a.Synclet, b.Synclet, c.Synclet, store, host.Activity);

        Assert.Equal("from a", (await b.Synclet.GetAtomAsync(["row", "cell"])).AsString());
        Assert.Equal("from a", (await c.Synclet.GetAtomAsync(["row", "cell"])).AsString());
        Assert.Equal(receivedByA, a.Synclet.Statistics.MessagesReceived);
        Assert.All(new[] { a, b, c }.SelectMany(client => client.Senders), sender => Assert.Equal(Ids.ServerId, sender));
        Assert.NotEmpty(b.Senders);
    }

    [Fact]
    public async Task A_new_client_gets_one_copy_of_the_room_from_the_store_not_one_from_every_client()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2);
        var clients = new List<RecordingClient>();
        for (var i = 0; i < 5; i++)
        {
            var client = Client(host, $"c{i}");
            await client.Synclet.StartAsync();
            await client.Synclet.SetAtomAsync([$"row{i}", "cell"], i);
            clients.Add(client);
        }

        var store = host.Broker.GetRoomStore("star")!;
        await Quiescence.WaitAsync([.. clients.Select(c => c.Synclet), store, host.Activity]);

        await using var newcomer = Client(host, "newcomer");
        await newcomer.Synclet.StartAsync();
        await Quiescence.WaitAsync([.. clients.Select(c => c.Synclet), newcomer.Synclet, store, host.Activity]);

        Assert.Equal((await store.GetDataAsync()).ToJsonString(), (await newcomer.Synclet.GetDataAsync()).ToJsonString());
        Assert.Equal([Ids.ServerId], newcomer.Senders.Distinct());
        Assert.All(clients, client => Assert.DoesNotContain("newcomer", client.Senders));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_sending_faster_than_the_store_applies_waits_on_its_own_socket()
    {
        var hooks = new GatedHooks();
        await using var host = await BrokerHost.StartAsync(stores: 2, options =>
        {
            options.HooksFactory = (_, _) => hooks;
            options.MaxQueuedBytesPerRoom = 400; // About four of the messages below.
        });
        await using var client = Client(host, "fast");
        await client.Synclet.StartAsync();
        var store = host.Broker.GetRoomStore("star")!;
        await Quiescence.WaitAsync(client.Synclet, store, host.Activity);

        // The store stops at the next message; 30 changes follow it, one message each.
        hooks.Close();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                await client.Synclet.SetAtomAsync([$"row{i}", "cell"], i);
            }

            // All 30 were handed to the socket before this: without flow control the server would
            // read them all at once. It pauses at the limit (less the one the store is holding).
            await hooks.Entered.Task;
            await UntilAsync(() => store.Statistics.QueuedBytes >= 300, () => $"{store.Statistics.QueuedMessages} messages, {store.Statistics.QueuedBytes} bytes queued; the client sent {client.Synclet.Statistics.MessagesSent}");
            Assert.InRange(store.Statistics.QueuedMessages, 3, 6);
        }
        finally
        {
            hooks.Open();
        }

        await Quiescence.WaitAsync(client.Synclet, store, host.Activity);
        Assert.InRange(store.Statistics.PeakQueuedBytes, 400, 600); // Over the limit by at most the message that reached it.
        Assert.Equal((await client.Synclet.GetDataAsync()).ToJsonString(), (await store.GetDataAsync()).ToJsonString());
        Assert.Equal(30, (await store.GetDataAsync()).Count);
    }

    /// <summary>Waits for a condition the test cannot be signalled about (a count on the server), checking every few milliseconds.</summary>
    private static async Task UntilAsync(Func<bool> condition, Func<string> state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Still waiting after 30 s: {state()}");
            await Task.Delay(5);
        }
    }

    private static RecordingClient Client(BrokerHost host, string id) => new(host, id);

    /// <summary>Once closed, holds every message the store receives at its first hook until the test opens it again.</summary>
    private sealed class GatedHooks : SyncletHooks
    {
        private TaskCompletionSource _gate = CompletedGate();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _gate.TrySetResult();

        public override async ValueTask<bool> CanReceiveMessageAsync(IReadOnlyDictionary<string, Atom> context)
        {
            var gate = _gate.Task;
            if (!gate.IsCompleted)
            {
                Entered.TrySetResult();
            }

            await gate;
            return true;
        }

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }
    }

    /// <summary>A client that records the peer each message it receives comes from.</summary>
    private sealed class RecordingClient : IAsyncDisposable
    {
        private readonly RecordingHooks _hooks = new();

        public RecordingClient(BrokerHost host, string id) =>
            Synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), host.Client("star"), new SyncletOptions { Id = id, Hooks = _hooks });

        public Synclet Synclet { get; }

        public IEnumerable<string> Senders => _hooks.Senders;

        public ValueTask DisposeAsync() => Synclet.DisposeAsync();
    }

    private sealed class RecordingHooks : SyncletHooks
    {
        private readonly ConcurrentQueue<string> _senders = new();

        public IEnumerable<string> Senders => _senders;

        public override void OnReceiveMessage(Message message, string from) => _senders.Enqueue(from);
    }
}
