using System.Diagnostics;
using Synclets.Connectors;
using Synclets.Samples.Cluster;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// An initial sync into a store room through a room grain, beside the same sync into the single
/// server's store room: a memory client holding rows of 10 cells connects and sends them all,
/// timed until the room's store acknowledges them and has the same root hash
/// (<see cref="Synclet.WhenSyncedAsync"/>). Every server is a process of its own with a generic
/// SQLite store per room. <c>cluster-1-node</c> has the room on the client's node;
/// <c>cluster-2-nodes</c> has it on the other node, so every packet crosses between silos.
/// </summary>
internal static class ClusterSyncScenario
{
    public static async Task<ScenarioResult> RunAsync(string transport, long rows)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-cluster-sync-").FullName;
        var nodes = new List<NodeProcess>();
        RoomServerProcess? single = null;
        try
        {
            Uri room;
            if (transport == "single-server")
            {
                single = await RoomServerProcess.StartAsync();
                room = new Uri(single.Address, "/sync/bench");
            }
            else
            {
                var count = transport == "cluster-1-node" ? 1 : 2;
                var silos = Enumerable.Range(0, count).Select(_ => FanOutScenario.FreePort()).ToArray();
                for (var i = 0; i < count; i++)
                {
                    nodes.Add(await NodeProcess.StartAsync($"node {i + 1}", new NodeSettings(FanOutScenario.FreePort(), silos[i], silos[0], folder, null, "sync"), program: FanOutScenario.SampleDll()));
                }

                // A first client on node 1 opens the room there; the measured one connects to the last node.
                await using var opener = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(nodes[0].Room("bench")));
                await opener.StartAsync();
                await opener.WhenSyncedAsync();
                room = nodes[^1].Room("bench");
                await opener.StopAsync();
            }

            await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(room), new SyncletOptions { Id = "client" });
            for (var row = 0; row < rows; row++)
            {
                await client.SetAtomsAsync([$"r{row:D7}"], Enumerable.Range(0, 10).Select(cell => KeyValuePair.Create($"c{cell}", (Atom)(row * 10 + cell))));
            }

            var watch = Stopwatch.StartNew();
            await client.StartAsync();
            await client.WhenSyncedAsync();
            watch.Stop();
            return new ScenarioResult
            {
                Scenario = "initial-sync",
                Store = "sqlite-generic",
                Transport = transport,
                Depth = 2,
                Atoms = rows * 10,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = client.Statistics.MessagesSent,
                Bytes = client.Statistics.BytesSent,
                PeakMemoryBytes = single?.PeakWorkingSet ?? nodes.Sum(node => node.PeakWorkingSet),
                Converged = true, // WhenSyncedAsync: the room's store acknowledged everything and has our root hash.
                Note = "a memory client into the room's store, server processes' peak memory",
            };
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            if (single is not null)
            {
                await single.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }
}
