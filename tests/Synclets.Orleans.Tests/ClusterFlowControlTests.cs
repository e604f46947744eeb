using System.Net.WebSockets;
using Synclets.AspNetCore;

namespace Synclets.Orleans.Tests;

/// <summary>The single server's limits hold on every node: a client that stops reading is dropped by its own node, and its neighbours go on.</summary>
public sealed class ClusterFlowControlTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_by_its_node_and_the_others_on_that_node_go_on()
    {
        await using var cluster = await Cluster.StartAsync(2, stores: 1, options => options.MaxQueuedPacketsPerConnection = 64);
        var writer = await cluster.ClientAsync("slow", depth: 1, node: 0);
        var reader = await cluster.ClientAsync("slow", depth: 1, node: 1);
        await writer.WhenSyncedAsync();
        await reader.WhenSyncedAsync();

        using var slow = new ClientWebSocket();
        await slow.ConnectAsync(new Uri(cluster.Nodes[1].Endpoint.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "sync/slow"), CancellationToken.None);
        var dropped = new TaskCompletionSource<SyncletsConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Nodes[1].Broker.ConnectionClosed += (_, connection) => dropped.TrySetResult(connection);

        // The slow client never reads: its node's queue for it fills, and that node aborts it. The
        // writer waits for the good reader, on the same node, each time: it keeps up throughout.
        var big = new string('x', 60_000);
        for (var i = 0; !dropped.Task.IsCompleted && i < 2_000; i++)
        {
            var value = big + i;
            await writer.SetAtomAsync([$"k{i % 50}"], value);
            await Converged.UntilAsync([reader], async () => (await reader.GetAtomAsync([$"k{i % 50}"])) is { Kind: AtomKind.String } atom && atom.AsString() == value, TimeSpan.FromSeconds(30));
        }

        await dropped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.SetAtomAsync(["last"], "still served");
        await Converged.UntilAsync([reader], async () => (await reader.GetAtomAsync(["last"])).Kind == AtomKind.String, TimeSpan.FromSeconds(60));
        Assert.Equal(2, (await cluster.PlaceOfAsync("slow")).Links); // The room kept both nodes: only the connection went.
    }
}
