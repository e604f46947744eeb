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

/// <summary>The live page of any node that holds a room's connections shows the room's tree, fetched from its grain.</summary>
public sealed class ClusterDashboardTests
{
    [Fact]
    public async Task A_node_shows_the_tree_of_a_room_whose_grain_is_on_another_node()
    {
        await using var cluster = await Cluster.StartAsync(2, stores: 2);
        var writer = await cluster.ClientAsync("shown", depth: 2, node: 0); // The room activates on node 0.
        var watcher = await cluster.ClientAsync("shown", depth: 2, node: 1);
        await writer.SetAtomAsync(["todo1", "title"], "Buy milk");
        await writer.WhenStoredAsync();
        Assert.Same(cluster.Nodes[0], await cluster.HostOfAsync("shown"));

        using var http = new HttpClient { BaseAddress = cluster.Nodes[1].Endpoint };
        var tree = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/synclets/api/rooms/shown/tree"))!;
        Assert.Equal(2, (int)tree["depth"]!);
        Assert.Equal("Buy milk", (string)tree["tree"]!["todo1"]!["title"]![0]!);
        Assert.NotNull(watcher);
    }
}

/// <summary>A room nobody holds deactivates, having applied what it received, and comes back on demand with its store.</summary>
public sealed class ClusterRoomLifetimeTests
{
    private const int Activated = 300;
    private const int Deactivated = 301;

    [Fact]
    public async Task A_room_whose_clients_all_left_deactivates_and_comes_back_with_its_store()
    {
        var logs = new LogSignals();
        await using var cluster = await Cluster.StartAsync(2, stores: 1, logs: logs);
        var first = await cluster.ClientAsync("idle", depth: 1, node: 0);
        var second = await cluster.ClientAsync("idle", depth: 1, node: 1);
        await first.SetAtomAsync(["kept"], "across activations");
        await first.WhenStoredAsync();
        await second.WhenSyncedAsync();
        await first.StopAsync();
        await second.StopAsync();

        // No node holds the room any more: each detached, and the grain let go of its store.
        await logs.WhenLoggedAsync(Deactivated).WaitAsync(TimeSpan.FromSeconds(30));

        var back = await cluster.ClientAsync("idle", depth: 1, node: 1);
        await back.WhenSyncedAsync();
        await logs.WhenLoggedAsync(Activated, count: 2).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("across activations", (await back.GetAtomAsync(["kept"])).AsString());
    }
}

/// <summary>Authorization runs where the connection is, and the room's access rules read the user it carried to the room's grain.</summary>
public sealed class ClusterAccessRulesTests
{
    [Fact]
    public async Task Users_on_different_nodes_get_their_own_rows_and_the_shared_ones_only()
    {
        await using var cluster = await Cluster.StartAsync(2, stores: 2, options => options.AccessRules = AspNetCore.SyncletsAccessRules.OwnedRows(), authenticated: true);
        var ann = await cluster.ClientAsync("lists", depth: 2, node: 0, user: "ann");
        var bob = await cluster.ClientAsync("lists", depth: 2, node: 1, user: "bob");
        await ann.SetAtomAsync(["ann:groceries", "milk"], "2 litres");
        await ann.SetAtomAsync(["shared:holidays", "where"], "the sea");
        await bob.SetAtomAsync(["bob:todo", "taxes"], "file them");
        await bob.SetAtomAsync(["ann:groceries", "milk"], "none"); // Not his row: refused.
        await ann.WhenSyncedAsync();
        var refused = await Assert.ThrowsAsync<WritesRefusedException>(() => bob.WhenSyncedAsync());
        Assert.Contains("ann:groceries", refused.Message, StringComparison.Ordinal);
        await ann.WhenSyncedAsync();

        // Ann's node never carried bob's rows to her, and the room kept her milk, not bob's write.
        Assert.Equal("""{"ann:groceries":{"milk":"2 litres"},"shared:holidays":{"where":"the sea"}}""", (await ann.GetDataAsync()).ToJsonString());

        // Bob's refused write stays in his replica only; he got nothing of ann's.
        Assert.Equal("""{"ann:groceries":{"milk":"none"},"bob:todo":{"taxes":"file them"},"shared:holidays":{"where":"the sea"}}""", (await bob.GetDataAsync()).ToJsonString());

        // A client without a user is refused by the node, before any room sees it.
        var refusal = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => cluster.ClientAsync("lists", depth: 2, node: 0));
        Assert.Contains("401", refusal.Message, StringComparison.Ordinal);
    }
}
