using Synclets.Connectors;
using Synclets.Tests.Scenarios;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.PostgreSql.Tests;

/// <summary>The docs/scenarios.md suite with every synclet on its own PostgreSQL store (a schema each), at depths 1 to 3.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlConvergenceTests(PostgresServer server) : IAsyncLifetime
{
    private readonly List<PostgreSqlStore> _stores = [];

    public static TheoryData<string, int> Scenarios()
    {
        var data = new TheoryData<string, int>();
        foreach (var depth in new[] { 1, 2, 3 })
        {
            foreach (var name in new[]
            {
                "Connected_initial", "Connected", "Connected_deletion", "Start_1_set_1_start_2", "Start_2_set_1_start_1", "Stop_1_set_1_start_1", "Stop_1_set_2_start_1",
                "Set_1_set_2_start_2_start_1", "Connected_near_atom", "Connected_far_atom", "Disconnected_near_atom", "Disconnected_far_atom",
                "Disconnected_conflicting_values", "Disconnected_conflicting_values_2", "Tombstones_collected_then_stale_replica_rejoins",
            })
            {
                data.Add(name, depth);
            }
        }

        return data;
    }

    [PostgresTheory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario(string name, int depth)
    {
        var scenario = (Func<NewGroup, int, Task>)Delegate.CreateDelegate(typeof(Func<NewGroup, int, Task>), typeof(ConvergenceScenarios).GetMethod(name)!);
        return scenario((count, d, topology) => new SyncGroup(count, d, topology, _ => new MemoryPool(), Storage), depth);
    }

    [PostgresFact]
    public Task N_way_pool_of_6() =>
        ConvergenceScenarios.N_way((count, depth, topology) => new SyncGroup(count, depth, topology, _ => new MemoryPool(), Storage), 6, Topology.Pool, 2);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    private (IDataConnector, IMetaConnector) Storage(int depth)
    {
        var store = PostgreSqlStore.OpenAsync(server.ConnectionString, depth, new PostgreSqlStoreOptions { Schema = server.NewSchema() }).GetAwaiter().GetResult();
        _stores.Add(store);
        return (store.Data, store.Meta);
    }
}
