using System.Net.Http.Json;
using Npgsql;
using Synclets.Connectors;
using Synclets.PostgreSql;
using Synclets.PostgreSql.Tests;
using Synclets.Samples.Cluster;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Orleans.Tests;

/// <summary>
/// For real: three node processes (the cluster sample's nodes) on loopback, clustered through a
/// throwaway PostgreSQL server (Orleans' ADO.NET clustering with our script) with their rooms'
/// stores there too, and the node holding the room killed with SIGKILL, once in the middle of a
/// 100,000-atom initial sync and once in a stream of changes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NodeKilledTests(PostgresServer server)
{
    private const int Rows = 10_000; // x 10 cells: 100,000 atoms.
    private const int Cells = 10;
    private const int Changes = 200;
    private const int Depth = 2; // The sample's rooms: rows of cells.

    [PostgresFact]
    public async Task Nodes_killed_mid_sync_and_mid_stream_lose_nothing_acknowledged()
    {
        var database = await NewDatabaseAsync();
        var clusterId = "killed-" + Guid.NewGuid().ToString("N")[..8];
        var program = ClusterSample.Dll();
        var nodes = new List<NodeProcess>();
        var clients = new List<Synclet>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await NodeProcess.StartAsync($"node {i + 1}", new NodeSettings(FreePorts.Next(), FreePorts.Next(), 0, null, database, clusterId), program: program));
            }

            await using var balancer = new Balancer(nodes.Select(node => node.Http));

            // The writer holds 100,000 atoms before it connects: its first sync sends them all.
            var writer = Client(balancer, clients);
            for (var row = 0; row < Rows; row++)
            {
                await writer.SetAtomsAsync([$"r{row:D5}"], Enumerable.Range(0, Cells).Select(cell => KeyValuePair.Create($"c{cell}", (Atom)(row * Cells + cell))));
            }

            var reader = Client(balancer, clients);
            await reader.StartAsync();
            var halfway = WhenAtLeastAsync(reader, Rows / 2);
            await writer.StartAsync();

            // Mid-sync: the reader has heard of half the rows through the store; kill the room's node.
            await halfway;
            var first = await HostOfAsync(nodes);
            await first.KillAsync();
            await writer.WhenSyncedAsync();

            // Mid-stream: changes acknowledged in batches, and the room's new node killed among them.
            var acknowledged = 0;
            for (var i = 0; i < Changes; i++)
            {
                await writer.SetAtomAsync([$"s{i:D3}", "c0"], i);
                if (i % 20 == 19)
                {
                    await writer.WhenStoredAsync();
                    acknowledged = i + 1;
                }

                if (i == Changes / 2)
                {
                    var second = await HostOfAsync(nodes);
                    Assert.NotSame(first, second);
                    await second.KillAsync();
                }
            }

            await writer.WhenSyncedAsync();
            await reader.WhenSyncedAsync();
            Assert.Equal(Changes, acknowledged);
            await Converged.WaitAsync([writer, reader], async synclet => (await synclet.GetChildIdsAsync([])).Count == Rows + Changes);

            // The store itself, opened directly once every node is gone, holds all of it.
            foreach (var client in clients)
            {
                await client.StopAsync();
            }

            foreach (var node in nodes)
            {
                await node.KillAsync();
            }

            await using var store = await PostgreSqlStore.OpenAsync(database, Depth, new PostgreSqlStoreOptions { Schema = "room_killed" });
            await using var check = new Synclet(store.Data, store.Meta, [new MemoryPool().CreateTransport()]);
            Assert.Equal(await writer.GetHashAsync([]), await check.GetHashAsync([]));
            Assert.Equal(Rows + Changes, (await check.GetChildIdsAsync([])).Count);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static Synclet Client(Balancer balancer, List<Synclet> clients)
    {
        var transport = new WebSocketTransport(balancer.Room("killed"), new WebSocketTransportOptions { ReconnectDelay = TimeSpan.FromMilliseconds(100), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) });
        var client = new Synclet(new MemoryDataConnector(Depth), new MemoryMetaConnector(Depth), transport);
        clients.Add(client);
        return client;
    }

    /// <summary>Completes once <paramref name="synclet"/> holds at least <paramref name="rows"/> rows (on its change events).</summary>
    private static Task WhenAtLeastAsync(Synclet synclet, int rows) =>
        Converged.UntilAsync([synclet], async () => (await synclet.GetChildIdsAsync([])).Count >= rows, TimeSpan.FromMinutes(2));

    /// <summary>The node the room's grain is active on, asked of every live node in turn.</summary>
    private static async Task<NodeProcess> HostOfAsync(List<NodeProcess> nodes)
    {
        foreach (var ask in nodes.Where(node => !node.HasExited))
        {
            using var http = new HttpClient { BaseAddress = ask.Http };
            try
            {
                var info = await http.GetFromJsonAsync<ClusterRoomInfo>("/cluster/rooms/killed");
                return nodes.Single(node => info!.Silo.Contains($":{node.Settings.SiloPort}:", StringComparison.Ordinal));
            }
            catch (HttpRequestException)
            {
                // That node cannot answer now: ask the next.
            }
        }

        throw new InvalidOperationException("No node could say where the room is.");
    }

    /// <summary>A database of its own with the clustering tables (our script, as an operator runs it).</summary>
    private async Task<string> NewDatabaseAsync()
    {
        var name = "cluster_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var database = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var script = new NpgsqlCommand(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "orleans-clustering-postgresql.sql")), connection);
        await script.ExecuteNonQueryAsync();
        return database;
    }
}
