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

    private sealed class Senders : SyncletHooks
    {
        public ConcurrentQueue<string> From { get; } = new();

        public override void OnReceiveMessage(Message message, string from) => From.Enqueue(from);
    }
}
