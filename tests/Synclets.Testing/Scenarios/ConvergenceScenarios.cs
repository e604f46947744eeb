using Synclets.Tests.Support;
using static Synclets.Tests.Support.Addresses;

namespace Synclets.Tests.Scenarios;

/// <summary>Makes a group of synclets for a scenario: how many, the depth, and how they are linked.</summary>
public delegate SyncGroup NewGroup(int count, int depth, Topology topology);

/// <summary>
/// The convergence scenarios of docs/scenarios.md, each written once here. The suites below run them
/// over every storage and transport.
/// </summary>
public static class ConvergenceScenarios
{
    public static async Task Connected_initial(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of());
    }

    public static async Task Connected(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
        group.Later();
        await group[2].SetAtomAsync(At(depth), "B");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "B")));
    }

    public static async Task Connected_deletion(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
        var metaBefore = (await group[2].GetMetaAsync()).ToJsonString();
        group.Later();
        await group[1].DeleteAtomAsync(At(depth));
        await group.AssertEquivalentAsync(Trees.Of());
        Assert.NotEqual(metaBefore, (await group[2].GetMetaAsync()).ToJsonString());
    }

    public static async Task Start_1_set_1_start_2(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group[1].StartAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertDifferingAsync(1, 2);
        await group[2].StartAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
    }

    public static async Task Start_2_set_1_start_1(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group[2].StartAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertDifferingAsync(1, 2);
        await group[1].StartAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
    }

    public static async Task Stop_1_set_1_start_1(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
        await group[1].StopAsync();
        group.Later();
        await group[1].SetAtomAsync(At(depth), "B");
        await group.AssertDifferingAsync(1, 2);
        await group[1].StartAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "B")));
    }

    public static async Task Stop_1_set_2_start_1(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
        await group[1].StopAsync();
        group.Later();
        await group[2].SetAtomAsync(At(depth), "B");
        await group.AssertDifferingAsync(1, 2);
        await group[1].StartAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "B")));
    }

    public static async Task Set_1_set_2_start_2_start_1(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group[1].SetAtomAsync(At(depth), "A");
        group.Later();
        await group[2].SetAtomAsync(At(depth), "B");
        await group.AssertDifferingAsync(1, 2);
        await group[2].StartAsync();
        await group[1].StartAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "B")));
    }

    public static async Task Connected_near_atom(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group[2].SetAtomAsync(Near(depth), "B");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Near(depth), "B")));
    }

    public static async Task Connected_far_atom(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group[2].SetAtomAsync(Far(depth), "B");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Far(depth), "B")));
    }

    public static async Task Disconnected_near_atom(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group[1].SetAtomAsync(At(depth), "A");
        await group[2].SetAtomAsync(Near(depth), "B");
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Near(depth), "B")));
    }

    public static async Task Disconnected_far_atom(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group[1].SetAtomAsync(At(depth), "A");
        await group[2].SetAtomAsync(Far(depth), "B");
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Far(depth), "B")));
    }

    public static async Task Disconnected_conflicting_values(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group[1].SetAtomAsync(At(depth), "A");
        group.Later();
        await group[2].SetAtomAsync(At(depth), "B");
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "B")));
    }

    public static async Task Disconnected_conflicting_values_2(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        await group[1].SetAtomAsync(At(depth), "A");
        await group[1].SetAtomAsync(Near(depth), "B");
        group.Later();
        await group[2].SetAtomAsync(Near(depth), "C");
        await group[2].SetAtomAsync(Far(depth), "D");
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Near(depth), "C"), (Far(depth), "D")));
    }

    public static async Task N_way(NewGroup newGroup, int count, Topology topology, int depth)
    {
        await using var group = newGroup(count, depth, topology);
        await group.StartAllAsync();
        for (var i = 1; i <= count; i++)
        {
            group.Later();
            await group[i].SetAtomAsync(At(depth), $"A{i}");
            await group.AssertEquivalentAsync(Trees.Of((At(depth), $"A{i}")));
        }
    }

    /// <summary>
    /// docs/concepts.md, "Tombstones": synclet 1 deletes a row and, a month later, collects the
    /// deletion; synclet 2, offline all along, still has the row and an edit of its own from before
    /// the horizon, plus one from after it. On reconnect the row must not come back, the edit from
    /// after goes through, and synclet 2 is told (the acknowledgement names the horizon); its rejoin
    /// hands back what no peer had, and writing the edit again keeps it.
    /// </summary>
    public static async Task Tombstones_collected_then_stale_replica_rejoins(NewGroup newGroup, int depth)
    {
        await using var group = newGroup(2, depth, Topology.Pool);
        var (store, stale) = (group[1], group[2]);
        // Ids a typed table has too (its columns "aa", "ab", "ba"): the offline edit beside the deleted atom, the later one in the kept row.
        string[] offline = depth == 1 ? ["c"] : Near(depth);
        string[] fresh = depth == 1 ? ["d"] : Beside(Far(depth), At(depth)[^1]);
        await group.StartAllAsync();
        await stale.SetAtomAsync(At(depth), "deleted later");
        await stale.SetAtomAsync(Far(depth), "kept");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "deleted later"), (Far(depth), "kept")));

        await stale.StopAsync();
        group.Later();
        await stale.SetAtomAsync(offline, "offline edit");
        group.Later();
        await store.DeleteAtomAsync(At(depth));
        var deleted = group.Clock.GetUtcNow();
        group.Clock.Advance(TimeSpan.FromDays(31));
        var horizon = group.Clock.GetUtcNow() - TimeSpan.FromDays(30);
        Assert.Equal(1, await store.CollectTombstonesAsync(horizon));
        Assert.Equal(string.Empty, await store.GetTimestampAsync(At(depth)));
        await stale.SetAtomAsync(fresh, "edit after the horizon");

        await stale.StartAsync();
        await group.SettleAsync();
        Assert.True((await store.GetAtomAsync(At(depth))).IsAbsent, "The deleted row came back.");
        Assert.Equal("edit after the horizon", (await store.GetAtomAsync(fresh)).AsString());
        var refused = await Assert.ThrowsAsync<WritesRefusedException>(() => stale.WhenStoredAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        Assert.Equal(deleted.ToUnixTimeMilliseconds() + 1, refused.Refused.Horizon?.ToUnixTimeMilliseconds()); // Just after the deletion it forgot.

        var dropped = await stale.RejoinAsync(refused.Refused.Horizon!.Value, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(
            new[] { Protocol.AtomJson.WriteAddress(At(depth)), Protocol.AtomJson.WriteAddress(offline) }.Order(StringComparer.Ordinal),
            dropped.Select(atom => Protocol.AtomJson.WriteAddress(atom.Address)).Order(StringComparer.Ordinal));
        await group.AssertEquivalentAsync(Trees.Of((Far(depth), "kept"), (fresh, "edit after the horizon")));

        // The user keeps the offline edit: written again, it is a new write and syncs.
        await stale.SetAtomAsync(dropped.Single(atom => atom.Address.SequenceEqual(offline)).Address, "offline edit");
        await stale.WhenSyncedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        await group.AssertEquivalentAsync(Trees.Of((Far(depth), "kept"), (fresh, "edit after the horizon"), (offline, "offline edit")));
    }

    /// <summary>The sibling of <paramref name="address"/> with the last id <paramref name="id"/>.</summary>
    private static string[] Beside(string[] address, string id) => [.. address[..^1], id];
}
