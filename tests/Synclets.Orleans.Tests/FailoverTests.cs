namespace Synclets.Orleans.Tests;

/// <summary>A node leaves in the middle of a stream of changes: its rooms start again on another node, and nothing acknowledged is lost.</summary>
public sealed class FailoverTests
{
    [Fact]
    public async Task The_node_holding_a_store_room_stops_mid_stream_and_every_acknowledged_change_is_kept()
    {
        await using var cluster = await Cluster.StartAsync(3, stores: 2);
        // The room opens where its first client is: node 1, not node 0, which localhost
        // clustering makes the keeper of the membership (the cross-process test uses PostgreSQL
        // clustering, where any node may die).
        var placer = await cluster.ClientAsync("failover", depth: 2, node: 1);
        await placer.WhenSyncedAsync();
        var writer = await cluster.ClientAsync("failover", depth: 2);
        var readers = new[] { await cluster.ClientAsync("failover", depth: 2), await cluster.ClientAsync("failover", depth: 2) };
        await writer.WhenSyncedAsync();
        var host = await cluster.HostOfAsync("failover");
        Assert.Same(cluster.Nodes[1], host);

        const int Changes = 200;
        for (var i = 0; i < Changes; i++)
        {
            await writer.SetAtomAsync([$"row{i:D3}", "cell"], i);
            if (i % 20 == 19)
            {
                await writer.WhenStoredAsync(); // Waits through the reconnection when the room moves.
            }

            if (i == 70)
            {
                await host.StopAsync();
            }
        }

        await writer.WhenSyncedAsync();
        var moved = await cluster.HostOfAsync("failover");
        Assert.NotSame(host, moved);
        await Converged.WaitAsync([writer, .. readers], async first => (await first.GetChildIdsAsync([])).Count == Changes);

        // What the store holds is all of it: a newcomer alone gets every change from the store.
        foreach (var client in readers.Append(writer))
        {
            await client.StopAsync();
        }

        var newcomer = await cluster.ClientAsync("failover", depth: 2);
        await newcomer.WhenSyncedAsync();
        Assert.Equal(Changes, (await newcomer.GetChildIdsAsync([])).Count);
        Assert.Equal(199, (await newcomer.GetAtomAsync(["row199", "cell"])).AsNumber());
    }

    [Fact]
    public async Task A_room_holds_one_link_per_node_however_many_connections()
    {
        await using var cluster = await Cluster.StartAsync(2);
        var clients = new List<Synclet>();
        for (var i = 0; i < 10; i++)
        {
            clients.Add(await cluster.ClientAsync("links", depth: 1, node: i % 2));
        }

        await clients[0].SetAtomAsync(["hello"], "world");
        await Converged.WaitAsync(clients, async first => (await first.GetAtomAsync(["hello"])).AsString() == "world");
        var place = await cluster.PlaceOfAsync("links");
        Assert.Equal(2, place.Links);
        Assert.Equal(10, place.Connections);
    }
}
