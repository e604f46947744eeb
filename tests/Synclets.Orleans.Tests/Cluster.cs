using Microsoft.Extensions.DependencyInjection;
using Synclets.AspNetCore;
using Synclets.Samples.Cluster;
using Synclets.Connectors;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Orleans.Tests;

/// <summary>A cluster of nodes in this process behind one balancer, and clients of its rooms.</summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly List<Synclet> _clients = [];

    private Cluster(List<ClusterNode> nodes, string folder)
    {
        Nodes = nodes;
        Folder = folder;
        Balancer = new Balancer(nodes.Select(node => node.Endpoint));
    }

    public List<ClusterNode> Nodes { get; }

    public Balancer Balancer { get; }

    /// <summary>Where the rooms' SQLite files are, when they keep stores (every node reaches it, as every node reaches one PostgreSQL server in production).</summary>
    public string Folder { get; }

    /// <summary>Starts <paramref name="count"/> nodes; with <paramref name="stores"/>, every room keeps a SQLite store of that depth.</summary>
    public static async Task<Cluster> StartAsync(int count, int? stores = null, Action<SyncletsServerOptions>? configure = null, bool authenticated = false, LogSignals? logs = null)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-cluster-").FullName;
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        var ports = Enumerable.Range(0, count).Select(_ => FreePorts.Next()).ToArray();
        var nodes = new List<ClusterNode>();
        foreach (var port in ports)
        {
            nodes.Add(await ClusterNode.StartAsync(clusterId, port, ports[0], options =>
            {
                if (stores is { } depth)
                {
                    options.StoreFactory = async (room, _, cancellationToken) =>
                    {
                        var store = await Sqlite.SqliteStore.OpenAsync(Path.Combine(folder, room + ".db"), depth, cancellationToken: cancellationToken);
                        return new RoomStorage(store.Data, store.Meta, store);
                    };
                }

                configure?.Invoke(options);
            }, logs, authenticated));
        }

        return new Cluster(nodes, folder);
    }

    /// <summary>A started client of <paramref name="room"/> on node <paramref name="node"/> (or through the balancer when null).</summary>
    public async Task<Synclet> ClientAsync(string room, int depth, int? node = null, string? user = null)
    {
        var uri = node is { } index ? new Uri(new Uri(Nodes[index].Endpoint.ToString().Replace("http://", "ws://", StringComparison.Ordinal)), "/sync/" + room) : Balancer.Room(room);
        var transport = new WebSocketTransport(uri, new WebSocketTransportOptions
        {
            ReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
            ConfigureSocket = user is null ? null : socket => socket.SetRequestHeader("X-User", user),
        });
        var synclet = new Synclet(new MemoryDataConnector(depth), new MemoryMetaConnector(depth), transport);
        _clients.Add(synclet);
        await synclet.StartAsync();
        return synclet;
    }

    /// <summary>Where room <paramref name="room"/> is active now (activating it, when it is not), asked through a running node.</summary>
    internal Task<RoomPlace> PlaceOfAsync(string room) =>
        Nodes.First(node => !node.Stopped).Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(room).DescribeAsync();

    /// <summary>The node on which room <paramref name="room"/> is active now.</summary>
    internal async Task<ClusterNode> HostOfAsync(string room)
    {
        var place = await PlaceOfAsync(room);
        return Nodes.Single(node => node.SiloPort == place.SiloPort);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Balancer.DisposeAsync();
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        Directory.Delete(Folder, recursive: true);
    }
}
