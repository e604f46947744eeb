using Synclets.Connectors;
using Synclets.Tests.Support;
using Synclets.Transports;
using static Synclets.Tests.Support.Addresses;

namespace Synclets.Tests.Scenarios;

/// <summary>
/// The convergence scenarios of SCENARIOS.md, written once. A storage backend runs them all by
/// deriving from this class and saying how to make its connectors.
/// </summary>
public abstract class ConvergenceSuite
{
    /// <summary>A fresh, empty data and meta connector pair of the given depth.</summary>
    protected abstract (IDataConnector Data, IMetaConnector Meta) CreateStorage(int depth);

    private SyncGroup Group(int count, int depth, TransportKind kind, Topology topology = Topology.Pool) =>
        new(count, depth, topology, _ => kind.NewHub(), CreateStorage);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Connected_initial(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of());
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Connected(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
        group.Later();
        await group[2].SetAtomAsync(At(depth), "B");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "B")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Connected_deletion(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
        var metaBefore = (await group[2].GetMetaAsync()).ToJsonString();
        group.Later();
        await group[1].DeleteAtomAsync(At(depth));
        await group.AssertEquivalentAsync(Trees.Of());
        Assert.NotEqual(metaBefore, (await group[2].GetMetaAsync()).ToJsonString());
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Start_1_set_1_start_2(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group[1].StartAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertDifferingAsync(1, 2);
        await group[2].StartAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Start_2_set_1_start_1(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group[2].StartAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group.AssertDifferingAsync(1, 2);
        await group[1].StartAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Stop_1_set_1_start_1(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
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

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Stop_1_set_2_start_1(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
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

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Set_1_set_2_start_2_start_1(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group[1].SetAtomAsync(At(depth), "A");
        group.Later();
        await group[2].SetAtomAsync(At(depth), "B");
        await group.AssertDifferingAsync(1, 2);
        await group[2].StartAsync();
        await group[1].StartAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "B")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Connected_near_atom(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group[2].SetAtomAsync(Near(depth), "B");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Near(depth), "B")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DeepDepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Connected_far_atom(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group.StartAllAsync();
        await group[1].SetAtomAsync(At(depth), "A");
        await group[2].SetAtomAsync(Far(depth), "B");
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Far(depth), "B")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Disconnected_near_atom(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group[1].SetAtomAsync(At(depth), "A");
        await group[2].SetAtomAsync(Near(depth), "B");
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Near(depth), "B")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DeepDepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Disconnected_far_atom(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group[1].SetAtomAsync(At(depth), "A");
        await group[2].SetAtomAsync(Far(depth), "B");
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Far(depth), "B")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Disconnected_conflicting_values(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group[1].SetAtomAsync(At(depth), "A");
        group.Later();
        await group[2].SetAtomAsync(At(depth), "B");
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "B")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.DeepDepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public async Task Disconnected_conflicting_values_2(int depth, TransportKind kind)
    {
        await using var group = Group(2, depth, kind);
        await group[1].SetAtomAsync(At(depth), "A");
        await group[1].SetAtomAsync(Near(depth), "B");
        group.Later();
        await group[2].SetAtomAsync(Near(depth), "C");
        await group[2].SetAtomAsync(Far(depth), "D");
        await group.StartAllAsync();
        await group.AssertEquivalentAsync(Trees.Of((At(depth), "A"), (Near(depth), "C"), (Far(depth), "D")));
    }

    [Theory]
    [MemberData(nameof(ScenarioCases.NWay), MemberType = typeof(ScenarioCases))]
    public async Task N_way(int count, Topology topology, int depth, TransportKind kind)
    {
        await using var group = Group(count, depth, kind, topology);
        await group.StartAllAsync();
        for (var i = 1; i <= count; i++)
        {
            group.Later();
            await group[i].SetAtomAsync(At(depth), $"A{i}");
            await group.AssertEquivalentAsync(Trees.Of((At(depth), $"A{i}")));
        }
    }
}
