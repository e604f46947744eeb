using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Synclets.Connectors;
using Synclets.Protocol;

namespace Synclets.AspNetCore.Tests;

/// <summary>A hostile but well-formed client, on a real server over real sockets: it reaches no other client, cannot flood the server with rooms, and cannot hold a socket.</summary>
public sealed class AbuseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task In_a_store_room_a_client_cannot_address_another_client_by_its_id()
    {
        var seen = new StorePeers();
        await using var host = await BrokerHost.StartAsync(stores: 2, options => options.HooksFactory = (_, _) => seen, shared: false);
        var victimHooks = new Senders();
        await using var victim = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new Transports.WebSocketTransport(host.Room("star")), new SyncletOptions { Id = "victim", Hooks = victimHooks });
        await victim.SetAtomAsync(["diary", "entry"], "private");
        await victim.StartAsync();
        var victimId = await seen.First.Task.WaitAsync(Patience); // As a log reader once learned it.

        // The attacker asks the victim for its whole replica (hash 0), then writes into it, addressing it by id.
        using var attacker = await ConnectAsync(host.Room("star"));
        await SendAsync(attacker, $"{victimId} AAAAAAAAAAAAAAAA 0 1 [1,0,2,[],0,{{}}]");
        await SendAsync(attacker, $"{victimId} BBBBBBBBBBBBBBBB 0 1 [1,0,2,[\"diary\",\"entry\"],[\"OhqqeV-----BT7zq\",\"planted\"],{{}}]");

        // Then a change through the store, which relays it to the victim: its connection queues
        // packets in order, so once the victim has the change, it has had whatever came before it.
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        victim.AtomsChanged += (_, changes) =>
        {
            if (changes.Changes.Any(change => change.Address[0] == "flush"))
            {
                flushed.TrySetResult();
            }
        };
        await SendAsync(attacker, "* CCCCCCCCCCCCCCCC 0 1 [1,0,2,[\"flush\",\"x\"],[\"OhqqeV-----BT7zq\",1],{}]");
        await flushed.Task.WaitAsync(Patience);

        Assert.DoesNotContain(victimHooks.From, from => from != Ids.ServerId);
        Assert.Equal("private", (await victim.GetAtomAsync(["diary", "entry"])).AsString());
    }

    [Theory]
    [InlineData(300)]
    [InlineData(5000)]
    public async Task A_room_name_too_long_is_refused_with_400_and_creates_nothing(int length)
    {
        var opened = 0;
        await using var host = await BrokerHost.StartAsync(configure: options => options.StoreFactory = (_, _, _) =>
        {
            Interlocked.Increment(ref opened);
            return ValueTask.FromResult<RoomStorage?>(null);
        }, shared: false);
        var status = await HandshakeStatusAsync(host.Room(new string('r', length)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(0, opened);
        Assert.Empty(host.Broker.RoomNames);
    }

    [Fact]
    public async Task A_room_name_with_a_control_character_is_refused_with_400()
    {
        await using var host = await BrokerHost.StartAsync(stores: 1, shared: false);
        Assert.Equal(HttpStatusCode.BadRequest, await HandshakeStatusAsync(host.Room("bad%01name")));
    }

    [Fact]
    public async Task Past_the_room_limit_a_new_room_is_refused_with_503_while_open_rooms_still_take_connections()
    {
        await using var host = await BrokerHost.StartAsync(stores: 1, options => options.MaxRooms = 2, shared: false);
        using var first = await ConnectAsync(host.Room("one"));
        using var second = await ConnectAsync(host.Room("two"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HandshakeStatusAsync(host.Room("three")));
        using var again = await ConnectAsync(host.Room("one"));
        Assert.Equal(["one", "two"], host.Broker.RoomNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CanOpenRoom_decides_who_may_create_a_room()
    {
        await using var host = await BrokerHost.StartAsync(stores: 1, options => options.CanOpenRoom = (_, room) => ValueTask.FromResult(room.StartsWith("team-", StringComparison.Ordinal)), shared: false);
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeStatusAsync(host.Room("anything")));
        using var allowed = await ConnectAsync(host.Room("team-a"));
        Assert.Equal(["team-a"], host.Broker.RoomNames);
    }

    [Fact]
    public async Task A_client_that_never_answers_the_close_handshake_is_aborted_after_the_close_timeout()
    {
        await using var host = await BrokerHost.StartAsync(stores: 1, options => options.CloseTimeout = TimeSpan.FromMilliseconds(200), shared: false);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Broker.ConnectionClosed += (_, _) => closed.TrySetResult();
        using var client = await ConnectAsync(host.Room("room"));

        // A binary frame makes the server close (1003); the client then reads nothing and never answers.
        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        await closed.Task.WaitAsync(Patience);
        Assert.Empty(host.Broker.RoomNames);
    }

    [Fact]
    public async Task Hostile_connections_that_never_finish_their_messages_share_one_bounded_budget_on_the_server()
    {
        var budget = new Transports.ReassemblyBudget(2 * 1024 * 1024);
        var heard = new HeardFrom(20);
        await using var host = await BrokerHost.StartAsync(stores: 2, options =>
        {
            options.RoomTransport = new Transports.TransportOptions { MaxPendingMessagesPerPeer = 16, MaxPendingLengthPerPeer = 1024 * 1024, SharedBudget = budget };
            options.HooksFactory = (_, _) => heard;
        }, shared: false);

        // 20 connections each start 16 messages of 60,000 characters and never finish them:
        // 19.2 million characters asked for, against a budget of 2 Mi for the whole server.
        var fragment = new string('x', 60_000);
        var attackers = new List<ClientWebSocket>();
        for (var c = 0; c < 20; c++)
        {
            var attacker = await ConnectAsync(host.Room("victim-room"));
            attackers.Add(attacker);
            for (var m = 0; m < 16; m++)
            {
                await SendAsync(attacker, $"* M{m:D15} 0 2 {fragment}");
            }

            await SendAsync(attacker, "* DONEDONEDONEDON 0 1 [1,0,2,[],1,{}]"); // Routed after its fragments.
        }

        await heard.All.WaitAsync(Patience);

        Assert.InRange(budget.Used, 1, budget.MaxLength);
        foreach (var attacker in attackers)
        {
            attacker.Dispose();
        }
    }

    [Fact]
    public async Task A_client_that_never_reads_is_dropped_without_holding_more_than_its_queue_limit_and_others_go_on()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, options =>
        {
            options.MaxQueuedBytesPerConnection = 256 * 1024;
            options.SlowConnectionTimeout = TimeSpan.FromMilliseconds(300);
        }, shared: false);
        await using var writer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new Transports.WebSocketTransport(host.Room("big")), new SyncletOptions { Id = "writer" });
        await writer.StartAsync();
        await writer.SetAtomsAsync(["rows"], Enumerable.Range(0, 2000).Select(i => KeyValuePair.Create($"r{i}", (Atom)new string('y', 100))));
        await writer.WhenStoredAsync().WaitAsync(Patience);

        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Broker.ConnectionClosed += (_, _) => dropped.TrySetResult(); // The writer stays: only the greedy one can close.

        // It asks for the whole room, over and over, and reads nothing back.
        using var greedy = await ConnectAsync(host.Room("big"));
        var asking = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 2000 && !dropped.Task.IsCompleted; i++)
                {
                    await SendAsync(greedy, $"* {i:D16} 0 1 [1,0,2,[],0,{{}}]");
                }
            }
            catch (WebSocketException)
            {
                // Aborted by the server, as it should be.
            }
        });

        await dropped.Task.WaitAsync(Patience);
        await asking.WaitAsync(Patience);

        // The room still serves everyone else.
        await writer.SetAtomAsync(["after", "cell"], "still served");
        await writer.WhenStoredAsync().WaitAsync(Patience);
        Assert.Equal("still served", (await host.Broker.GetRoomStore("big")!.GetAtomAsync(["after", "cell"])).AsString());
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri room)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(room, CancellationToken.None);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string packet) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(packet), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static async Task<HttpStatusCode> HandshakeStatusAsync(Uri room)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(room, CancellationToken.None));
        return socket.HttpStatusCode;
    }

    /// <summary>The store's hooks: the first peer it hears from.</summary>
    private sealed class StorePeers : SyncletHooks
    {
        public TaskCompletionSource<string> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask<bool> CanReceiveMessageAsync(IReadOnlyDictionary<string, Atom> context)
        {
            First.TrySetResult(Ids.PeerOf(context)!);
            return ValueTask.FromResult(true);
        }
    }

    /// <summary>Signals once the store has heard a whole message from <paramref name="peers"/> different peers.</summary>
    private sealed class HeardFrom(int peers) : SyncletHooks
    {
        private readonly ConcurrentDictionary<string, bool> _heard = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task All => _all.Task;

        public override ValueTask<bool> CanReceiveMessageAsync(IReadOnlyDictionary<string, Atom> context)
        {
            _heard[Ids.PeerOf(context)!] = true;
            if (_heard.Count >= peers)
            {
                _all.TrySetResult();
            }

            return ValueTask.FromResult(true);
        }
    }

    private sealed class Senders : SyncletHooks
    {
        public ConcurrentQueue<string> From { get; } = new();

        public override void OnReceiveMessage(Message message, string from) => From.Enqueue(from);
    }
}
