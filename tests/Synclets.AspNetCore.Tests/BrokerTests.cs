using System.Net.WebSockets;
using System.Text;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

public sealed class BrokerTests
{
    [Fact]
    public async Task Packets_never_cross_rooms()
    {
        await using var host = await BrokerHost.StartAsync();
        await using var red1 = Client(host.Client("red"), "red1");
        await using var red2 = Client(host.Client("red"), "red2");
        await using var blue = Client(host.Client("blue"), "blue1");
        foreach (var synclet in new[] { red1, red2, blue })
        {
            await synclet.StartAsync();
        }

        await red1.SetAtomAsync(["k"], "red");
        await Quiescence.WaitAsync(red1, red2, blue, host.Activity);

        Assert.Equal("""{"k":"red"}""", (await red2.GetDataAsync()).ToJsonString());
        Assert.Equal("{}", (await blue.GetDataAsync()).ToJsonString());
    }

    [Theory]
    [InlineData("oversized", WebSocketCloseStatus.MessageTooBig)]
    [InlineData("binary", WebSocketCloseStatus.InvalidMessageType)]
    public async Task A_misbehaving_client_is_closed_and_the_others_go_on(string abuse, WebSocketCloseStatus expected)
    {
        await using var host = await BrokerHost.StartAsync(stores: 1, configure: options => options.MaxPacketLength = 1000, shared: false);
        await using var good1 = Client(new WebSocketTransport(host.Room("room")), "good1");
        await using var good2 = Client(new WebSocketTransport(host.Room("room")), "good2");
        await good1.StartAsync();
        await good2.StartAsync();

        using var bad = new ClientWebSocket();
        await bad.ConnectAsync(host.Room("room"), CancellationToken.None);
        var payload = abuse == "binary" ? new byte[] { 1, 2, 3 } : Encoding.UTF8.GetBytes("* ID 0 1 " + new string('x', 5000));
        await bad.SendAsync(payload, abuse == "binary" ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None);
        // The room's broadcasts may reach the bad client first; read on to the close frame.
        WebSocketReceiveResult closing;
        do
        {
            closing = await bad.ReceiveAsync(new byte[64 * 1024], CancellationToken.None);
        }
        while (closing.MessageType != WebSocketMessageType.Close);

        Assert.Equal(expected, bad.CloseStatus);

        var arrived = Arrival(good2);
        await good1.SetAtomAsync(["k"], "still served");
        await arrived.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("""{"k":"still served"}""", (await good2.GetDataAsync()).ToJsonString());
    }

    [Fact]
    public async Task Garbage_and_floods_of_incomplete_fragments_are_dropped_and_leave_nothing_behind()
    {
        await using var host = await BrokerHost.StartAsync(stores: 1, shared: false);
        await using var good = Client(new WebSocketTransport(host.Room("room")), "good");
        await good.StartAsync();
        var stored = Arrival(host.Broker.GetRoomStore("room")!);
        await good.SetAtomAsync(["k"], "v");
        await stored.WaitAsync(TimeSpan.FromSeconds(30));

        using (var flooder = new ClientWebSocket())
        {
            await flooder.ConnectAsync(host.Room("room"), CancellationToken.None);
            await flooder.SendAsync(Encoding.UTF8.GetBytes("garbage-without-spaces"), WebSocketMessageType.Text, true, CancellationToken.None);
            for (var i = 0; i < 200; i++)
            {
                await flooder.SendAsync(Encoding.UTF8.GetBytes($"{Ids.ServerId} FLOOD{i:D11} 0 2 [1,0,1,"), WebSocketMessageType.Text, true, CancellationToken.None);
            }

            // A last, whole message from the flooder: once the store applied it, every packet before it was routed.
            var applied = Arrival(host.Broker.GetRoomStore("room")!);
            await flooder.SendAsync(Encoding.UTF8.GetBytes($"{Ids.ServerId} LASTMESSAGE00000 0 1 [1,0,1,[\"flood\"],[\"{Timestamp.Encode(1, 0, 1)}\",\"done\"],{{}}]"), WebSocketMessageType.Text, true, CancellationToken.None);
            await applied.WaitAsync(TimeSpan.FromSeconds(30));

            // The store's reassembly stays bounded while the flooder is connected...
            Assert.InRange(host.Broker.GetRoomPendingMessages("room"), 1, 16);
            flooder.Abort(); // ...and killed mid-message, it leaves nothing behind.
        }

        await WaitForAsync(() => host.Broker.GetRoomPendingMessages("room") == 0, good);
        Assert.Equal("""{"flood":"done","k":"v"}""", (await host.Broker.GetRoomStore("room")!.GetDataAsync()).ToJsonString());
    }

    [Fact]
    public async Task Clients_reconnect_after_the_server_restarts_and_converge()
    {
        var first = await BrokerHost.StartAsync();
        var port = first.BaseUri.Port;
        var options = new WebSocketTransportOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200), MaxQueuedPackets = 2 };
        var transport1 = new WebSocketTransport(first.Room("room"), options);
        var transport2 = new WebSocketTransport(first.Room("room"), options);
        await using var one = Client(transport1, "one");
        await using var two = Client(transport2, "two");
        await one.StartAsync();
        await two.StartAsync();

        var reconnected1 = Signal(transport1);
        var reconnected2 = Signal(transport2);
        await first.DisposeAsync();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrivals = 0;
        two.AtomsChanged += (_, e) =>
        {
            if (Interlocked.Add(ref arrivals, e.Changes.Count) >= 20)
            {
                arrived.TrySetResult();
            }
        };

        // More changes than the send queue holds: none waits for the server. While disconnected,
        // what does not fit is dropped, and the resync after reconnecting carries it.
        for (var i = 0; i < 20; i++)
        {
            await one.SetAtomAsync([$"k{i:00}"], "written while the server was down").WaitAsync(TimeSpan.FromSeconds(30));
        }

        await using var second = await BrokerHost.StartAsync(port: port);
        await Task.WhenAll(reconnected1, reconnected2).WaitAsync(TimeSpan.FromSeconds(30));
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((await one.GetDataAsync()).ToJsonString(), (await two.GetDataAsync()).ToJsonString());
        Assert.Equal(20, (await two.GetDataAsync()).Count);
        Assert.True(transport1.Reconnections >= 1);
    }

    [Fact]
    public async Task A_broker_that_cannot_be_reached_is_reported_when_starting_if_a_connection_is_required()
    {
        await using var synclet = Client(new WebSocketTransport(new Uri("ws://127.0.0.1:9/sync/none"), new WebSocketTransportOptions { RequireConnectionOnStart = true }), "lonely");
        await Assert.ThrowsAnyAsync<WebSocketException>(() => synclet.StartAsync());
        Assert.False(synclet.IsStarted);
    }

    private static Synclet Client(Transport transport, string id) =>
        new(new MemoryDataConnector(1), new MemoryMetaConnector(1), transport, new SyncletOptions { Id = id });

    /// <summary>Completes when the synclet next writes an atom, locally or from a peer.</summary>
    private static Task Arrival(Synclet synclet)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        synclet.AtomsChanged += (_, _) => arrived.TrySetResult();
        return arrived.Task;
    }

    private static Task Signal(WebSocketTransport transport)
    {
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.Reconnected += (_, _) => reconnected.TrySetResult();
        return reconnected.Task;
    }

    /// <summary>Waits for a condition, rechecking each time the synclet finishes a round of work (a signal, not a timer).</summary>
    private static async Task WaitForAsync(Func<bool> condition, Synclet synclet)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await synclet.SyncAsync([], timeout.Token);
            await synclet.WhenIdleAsync(timeout.Token);
            await Task.Yield();
        }
    }
}

public sealed class SlowReaderTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_and_the_others_go_on()
    {
        await using var host = await BrokerHost.StartAsync(configure: options => options.MaxQueuedPacketsPerConnection = 64, shared: false);
        await using var writer = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1), new WebSocketTransport(host.Room("room")), new SyncletOptions { Id = "writer" });
        await using var reader = new Synclet(new MemoryDataConnector(1), new MemoryMetaConnector(1), new WebSocketTransport(host.Room("room")), new SyncletOptions { Id = "reader" });
        await writer.StartAsync();
        await reader.StartAsync();

        using var slow = new ClientWebSocket();
        await slow.ConnectAsync(host.Room("room"), CancellationToken.None);
        var dropped = new TaskCompletionSource<SyncletsConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Broker.ConnectionClosed += (_, connection) => dropped.TrySetResult(connection);

        // The slow client never reads: once the socket buffers are full, its queue fills and it is
        // aborted. The writer waits for the good reader each time, so the reader keeps up.
        var big = new string('x', 60_000);
        for (var i = 0; !dropped.Task.IsCompleted && i < 2_000; i++)
        {
            var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnChanged(object? sender, AtomsChangedEventArgs e) => received.TrySetResult();
            reader.AtomsChanged += OnChanged;
            await writer.SetAtomAsync([$"k{i % 50}"], big + i);
            await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
            reader.AtomsChanged -= OnChanged;
        }

        var closed = await dropped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(closed.ReadOnly);
        var last = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.AtomsChanged += (_, e) =>
        {
            if (e.Changes.Any(change => change.Address[0] == "last"))
            {
                last.TrySetResult();
            }
        };
        await writer.SetAtomAsync(["last"], "still served");
        await last.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("still served", (await reader.GetAtomAsync(["last"])).AsString());
    }
}

public sealed class RoomOpenFailureTests
{
    [Fact]
    public async Task A_room_whose_store_cannot_be_opened_now_is_refused_with_503_and_opens_once_it_can()
    {
        var attempts = 0;
        await using var host = await BrokerHost.StartAsync(configure: options => options.StoreFactory = (_, _, _) =>
            Interlocked.Increment(ref attempts) == 1
                ? throw new IOException("the database is restarting")
                : ValueTask.FromResult<RoomStorage?>(new RoomStorage(new MemoryDataConnector(1), new MemoryMetaConnector(1))));

        // Before, the exception escaped to Kestrel: a bare 500, and nothing said what to do.
        using var first = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => first.ConnectAsync(host.Room("flaky"), CancellationToken.None));
        Assert.Contains("503", refused.Message, StringComparison.Ordinal);

        using var second = new ClientWebSocket();
        await second.ConnectAsync(host.Room("flaky"), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, second.State);
        Assert.NotNull(host.Broker.GetRoomStore("flaky"));
    }
}
