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
}
