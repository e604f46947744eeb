using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>
/// A JavaScript client in Node.js, on the standard WebSocket API that JavaScript Synclets' WebSocket
/// transport uses, and a .NET synclet in one room of our broker: the packets each side sends are
/// docs/protocol.md's, byte for byte. (JavaScript Synclets itself is not on the npm registry served
/// here, so the JavaScript side sends and checks the protocol's texts directly.)
/// </summary>
public sealed class JavaScriptPeerTests
{
    [NodeFact]
    public async Task A_JavaScript_client_and_a_dotnet_synclet_exchange_protocol_texts_through_the_broker()
    {
        await using var host = await BrokerHost.StartAsync(shared: false);
        await using var javaScript = await NodePeer.ConnectAsync(host.Room("js"));
        await using var dotnet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(host.Room("js")), new SyncletOptions { Id = "dotnet" });
        var changed = Signal(dotnet);
        await dotnet.StartAsync();

        // The .NET synclet's first words: its root hash (0, it is empty), to everyone, with where
        // its change log stands (epoch:sequence; a JavaScript peer ignores context keys it does not know).
        var (dotnetConnection, hello) = await javaScript.NextReceivedAsync(message => message.StartsWith("[1,0,2,[]", StringComparison.Ordinal));
        Assert.Matches("^\\[1,0,2,\\[\\],0,\\{\"\uFFFAlog\":\"[-0-9A-Za-z_]{12}:0\"\\}\\]$", hello);

        // docs/protocol.md's [timestamp, atom] vector, cut into two fragments by the JavaScript side.
        javaScript.Send("""* jsPeerMessage001 0 2 [1,0,2,["a","aa"],""");
        javaScript.Send("""* jsPeerMessage001 1 2 ["OhqqeV-----BT7zq","A"],{}]""");
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("A", (await dotnet.GetAtomAsync(["a", "aa"])).AsString());
        Assert.Equal("OhqqeV-----BT7zq", await dotnet.GetTimestampAsync(["a", "aa"]));

        // Its deletion vector, whose atom is the raw U+FFFC character, in one packet.
        changed = Signal(dotnet);
        javaScript.Send("* jsPeerMessage002 0 1 [1,0,2,[\"a\",\"aa\"],[\"OhqqeV----0BT7zq\",\"\uFFFC\"],{}]");
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True((await dotnet.GetAtomAsync(["a", "aa"])).IsAbsent);

        // A .NET change reaches the JavaScript client as one message, from the same connection id.
        var timestamp = await dotnet.SetAtomAsync(["b", "bb"], "B \u00e9");
        var (from, change) = await javaScript.NextReceivedAsync(message => message.StartsWith("[1,0,2,[\"b\"", StringComparison.Ordinal));
        Assert.Equal(dotnetConnection, from);
        Assert.Equal($"[1,0,2,[\"b\",\"bb\"],[\"{timestamp}\",\"B \u00e9\"],{{}}]", change);
    }

    [NodeFact]
    public async Task A_JavaScript_client_that_joins_a_store_room_empty_gets_the_room_from_the_store()
    {
        await using var host = await BrokerHost.StartAsync(stores: 2, shared: false);
        await using var dotnet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(host.Room("js")), new SyncletOptions { Id = "dotnet" });
        await dotnet.StartAsync();
        var stored = Signal(host.Broker.GetRoomStore("js")!);
        var timestamp = await dotnet.SetAtomAsync(["b", "bb"], "B");
        await stored.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // An empty JavaScript synclet starts by sending its root hash, 0; the store answers with everything.
        await using var javaScript = await NodePeer.ConnectAsync(host.Room("js"));
        javaScript.Send("* jsPeerMessage003 0 1 [1,0,2,[],0,{}]");
        var (from, reply) = await javaScript.NextReceivedAsync(message => message.StartsWith("[1,0,2,[],[", StringComparison.Ordinal));

        Assert.Equal(Ids.ServerId, from);
        Assert.Equal($"[1,0,2,[],[{{\"b\":[{{\"bb\":[\"{timestamp}\",\"B\"]}}]}}],{{}}]", reply);
    }

    private static TaskCompletionSource Signal(Synclet synclet)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        synclet.AtomsChanged += (_, _) => signal.TrySetResult();
        return signal;
    }
}
