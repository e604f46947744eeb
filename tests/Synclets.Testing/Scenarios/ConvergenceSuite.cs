using Synclets.Connectors;
using Synclets.Tests.Support;

namespace Synclets.Tests.Scenarios;

/// <summary>
/// The scenarios over in-process transports (memory and channel hubs), 2-way and N-way pool,
/// chain and ring. A storage backend runs them all by deriving from this class and saying how to
/// make its connectors.
/// </summary>
public abstract class ConvergenceSuite
{
    /// <summary>A fresh, empty data and meta connector pair of the given depth.</summary>
    protected abstract (IDataConnector Data, IMetaConnector Meta) CreateStorage(int depth);

    private SyncGroup Group(int count, int depth, TransportKind kind, Topology topology) =>
        new(count, depth, topology, _ => kind.NewHub(), CreateStorage, transportOptions: kind.Options());

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Connected_initial(int depth, TransportKind kind) => ConvergenceScenarios.Connected_initial((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Connected(int depth, TransportKind kind) => ConvergenceScenarios.Connected((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Connected_deletion(int depth, TransportKind kind) => ConvergenceScenarios.Connected_deletion((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Start_1_set_1_start_2(int depth, TransportKind kind) => ConvergenceScenarios.Start_1_set_1_start_2((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Start_2_set_1_start_1(int depth, TransportKind kind) => ConvergenceScenarios.Start_2_set_1_start_1((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Stop_1_set_1_start_1(int depth, TransportKind kind) => ConvergenceScenarios.Stop_1_set_1_start_1((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Stop_1_set_2_start_1(int depth, TransportKind kind) => ConvergenceScenarios.Stop_1_set_2_start_1((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Set_1_set_2_start_2_start_1(int depth, TransportKind kind) => ConvergenceScenarios.Set_1_set_2_start_2_start_1((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Connected_near_atom(int depth, TransportKind kind) => ConvergenceScenarios.Connected_near_atom((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DeepDepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Connected_far_atom(int depth, TransportKind kind) => ConvergenceScenarios.Connected_far_atom((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Disconnected_near_atom(int depth, TransportKind kind) => ConvergenceScenarios.Disconnected_near_atom((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DeepDepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Disconnected_far_atom(int depth, TransportKind kind) => ConvergenceScenarios.Disconnected_far_atom((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Disconnected_conflicting_values(int depth, TransportKind kind) => ConvergenceScenarios.Disconnected_conflicting_values((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DeepDepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Disconnected_conflicting_values_2(int depth, TransportKind kind) => ConvergenceScenarios.Disconnected_conflicting_values_2((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DepthsAndTransports), MemberType = typeof(ScenarioCases))]
    public Task Tombstones_collected_then_stale_replica_rejoins(int depth, TransportKind kind) => ConvergenceScenarios.Tombstones_collected_then_stale_replica_rejoins((count, d, topology) => Group(count, d, kind, topology), depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.NWay), MemberType = typeof(ScenarioCases))]
    public Task N_way(int count, Topology topology, int depth, TransportKind kind) =>
        ConvergenceScenarios.N_way((c, d, t) => Group(c, d, kind, t), count, topology, depth);
}

/// <summary>
/// The scenarios with every synclet connected to a broker: 2-way, and N-way in a pool (a broker
/// has no chains or rings). A broker runs them by deriving from this class.
/// </summary>
public abstract class BrokerConvergenceSuite
{
    /// <summary>A group of <paramref name="count"/> synclets of the given depth, all connected to the broker.</summary>
    protected abstract SyncGroup CreateGroup(int count, int depth, Topology topology);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Connected_initial(int depth) => ConvergenceScenarios.Connected_initial(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Connected(int depth) => ConvergenceScenarios.Connected(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Connected_deletion(int depth) => ConvergenceScenarios.Connected_deletion(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Start_1_set_1_start_2(int depth) => ConvergenceScenarios.Start_1_set_1_start_2(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Start_2_set_1_start_1(int depth) => ConvergenceScenarios.Start_2_set_1_start_1(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Stop_1_set_1_start_1(int depth) => ConvergenceScenarios.Stop_1_set_1_start_1(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Stop_1_set_2_start_1(int depth) => ConvergenceScenarios.Stop_1_set_2_start_1(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Set_1_set_2_start_2_start_1(int depth) => ConvergenceScenarios.Set_1_set_2_start_2_start_1(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Connected_near_atom(int depth) => ConvergenceScenarios.Connected_near_atom(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DeepDepths), MemberType = typeof(ScenarioCases))]
    public Task Connected_far_atom(int depth) => ConvergenceScenarios.Connected_far_atom(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Disconnected_near_atom(int depth) => ConvergenceScenarios.Disconnected_near_atom(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DeepDepths), MemberType = typeof(ScenarioCases))]
    public Task Disconnected_far_atom(int depth) => ConvergenceScenarios.Disconnected_far_atom(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.Depths), MemberType = typeof(ScenarioCases))]
    public Task Disconnected_conflicting_values(int depth) => ConvergenceScenarios.Disconnected_conflicting_values(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.DeepDepths), MemberType = typeof(ScenarioCases))]
    public Task Disconnected_conflicting_values_2(int depth) => ConvergenceScenarios.Disconnected_conflicting_values_2(CreateGroup, depth);

    [Theory]
    [MemberData(nameof(ScenarioCases.NWayPool), MemberType = typeof(ScenarioCases))]
    public Task N_way_pool(int count, int depth) => ConvergenceScenarios.N_way(CreateGroup, count, Topology.Pool, depth);
}
