using System.Net.WebSockets;
using System.Text;
using CsCheck;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

/// <summary>Random hostile packets at a real server: nothing crashes, nothing refused changes the store, the other clients go on.</summary>
public sealed class FuzzTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Future = "zzzzzzzzzzzzzzzz";

    /// <summary>Packets no server may act on: garbage, bad headers, bad messages, stamps from the future, other peers' ids.</summary>
    private static readonly Gen<string> HostilePackets = Gen.OneOf(
        Gen.String[0, 200],
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 20], Gen.Int, Gen.Int, Gen.String[0, 100]).Select((id, index, total, rest) => $"* {id} {index} {total} {rest}"),
        Gen.Select(Gen.Int[2, 9], Gen.Int[1, 9], Gen.Int[3, 9]).Select((version, type, depth) => $"* VVVVVVVVVVVVVVVV 0 1 [{version},{type},{depth},[],0,{{}}]"),
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 10], Gen.String[Gen.Char.AlphaNumeric, 1, 10]).Select((row, column) => $"* FFFFFFFFFFFFFFFF 0 1 [1,0,2,[\"{row}\",\"{column}\"],[\"{Future}\",\"from the future\"],{{}}]"),
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 16, 16], Gen.String[Gen.Char.AlphaNumeric, 1, 10]).Select((peer, row) => $"{peer} PPPPPPPPPPPPPPPP 0 1 [1,0,2,[\"{row}\",\"c\"],[\"OhqqeV-----BT7zq\",\"planted\"],{{}}]"),
        Gen.Int[2, 70_000].Select(total => $"* TTTTTTTTTTTTTTTT 0 {total} [1,0,2,"),
        Gen.String[0, 50].Select(text => $"* JJJJJJJJJJJJJJJJ 0 1 [1,0,2,[],[{{\"r\":{text}}}],{{}}]"));

    [Fact]
    public async Task Five_hundred_random_hostile_packets_change_nothing_and_the_room_goes_on()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, shared: false);
        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(host.Room("fuzz")), new SyncletOptions { Id = "honest" });
        await client.StartAsync();
        await client.SetAtomAsync(["row", "cell"], "kept");
        await client.WhenStoredAsync().WaitAsync(Patience);
        var store = host.Broker.GetRoomStore("fuzz")!;
        var data = (await store.GetDataAsync()).ToJsonString();
        var meta = (await store.GetMetaAsync()).ToJsonString();

        using var attacker = new ClientWebSocket();
        await attacker.ConnectAsync(host.Room("fuzz"), CancellationToken.None);
        await HostilePackets.SampleAsync(packet => SendAsync(attacker, packet), iter: 500, threads: 1);

        // Then a valid request for the whole room on the same connection: once its answer comes,
        // the store has handled every packet before it.
        await SendAsync(attacker, "* ENDENDENDENDENDE 0 1 [1,0,2,[],0,{}]");
        var answer = await ReceiveAsync(attacker).WaitAsync(Patience);
        Assert.StartsWith(Ids.ServerId + " ", answer, StringComparison.Ordinal);

        Assert.Equal(data, (await store.GetDataAsync()).ToJsonString());
        Assert.Equal(meta, (await store.GetMetaAsync()).ToJsonString());
        Assert.Equal("kept", (await client.GetAtomAsync(["row", "cell"])).AsString());

        // And the honest client still syncs through the room.
        await client.SetAtomAsync(["row", "other"], "after the storm");
        await client.WhenSyncedAsync().WaitAsync(Patience);
        Assert.Equal("after the storm", (await store.GetAtomAsync(["row", "other"])).AsString());
    }

    private static async Task SendAsync(ClientWebSocket socket, string packet)
    {
        if (socket.State == WebSocketState.Open)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(packet), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[1 << 16];
        var text = new StringBuilder();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            if (result.EndOfMessage)
            {
                return text.ToString();
            }
        }
    }
}
