namespace Synclets.Orleans.Tests;

/// <summary>Clients of one room on different nodes of a cluster converge: the room lives once, in its grain.</summary>
public sealed class ClusterRoomTests
{
    [Fact]
    public async Task Clients_of_a_relay_room_on_three_nodes_converge()
    {
        await using var cluster = await Cluster.StartAsync(3);
        var clients = new List<Synclet>();
        for (var i = 0; i < 6; i++)
        {
            clients.Add(await cluster.ClientAsync("relay", depth: 2, node: i % 3));
        }

        for (var i = 0; i < clients.Count; i++)
        {
            await clients[i].SetAtomAsync([$"row{i}", "cell"], $"from {i}");
        }

        await Converged.WaitAsync(clients, async first => (await first.GetChildIdsAsync([])).Count == clients.Count);
        Assert.Equal("from 5", (await clients[0].GetAtomAsync(["row5", "cell"])).AsString());
    }

    [Fact]
    public async Task Clients_of_a_store_room_on_three_nodes_converge_and_the_store_keeps_it_all()
    {
        await using var cluster = await Cluster.StartAsync(3, stores: 2);
        var clients = new List<Synclet>();
        for (var i = 0; i < 6; i++)
        {
            clients.Add(await cluster.ClientAsync("stored", depth: 2, node: i % 3));
        }

        for (var i = 0; i < clients.Count; i++)
        {
            await clients[i].SetAtomAsync([$"row{i}", "cell"], $"from {i}");
        }

        foreach (var client in clients)
        {
            await client.WhenSyncedAsync();
        }

        await Converged.WaitAsync(clients, async first => (await first.GetChildIdsAsync([])).Count == clients.Count);

        // A newcomer, alone, gets the whole room from the store.
        foreach (var client in clients)
        {
            await client.StopAsync();
        }

        var newcomer = await cluster.ClientAsync("stored", depth: 2, node: 1);
        await newcomer.WhenSyncedAsync();
        Assert.Equal(clients.Count, (await newcomer.GetChildIdsAsync([])).Count);
    }
}
