using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Synclets.Connectors;
using Synclets.Orleans;
using Synclets.Transports;

namespace Synclets.Samples.Cluster;

/// <summary>
/// The demo: three node processes on this machine (localhost clustering, a SQLite file per room),
/// a load balancer in front of them, three devices in one room, and the node holding the room
/// killed in the middle of it all.
/// </summary>
public static class Demo
{
    private const string RoomName = "todos";

    public static async Task<int> RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("synclets-cluster-").FullName;
        var nodes = new List<NodeProcess>();
        var devices = new List<Synclet>();
        try
        {
            Console.WriteLine("Starting three nodes (ASP.NET Core + an Orleans silo each), rooms in SQLite files under " + folder);
            var silos = new[] { FreePort(), FreePort(), FreePort() };
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await NodeProcess.StartAsync($"node {i + 1}", new NodeSettings(FreePort(), silos[i], silos[0], folder, null, "synclets-demo"), Console.WriteLine));
                Console.WriteLine($"  node {i + 1} serves {nodes[i].Http}");
            }

            await using var balancer = new Balancer(nodes.Select(node => node.Http));
            Console.WriteLine($"A load balancer (round robin, no sticky sessions) at {balancer.Endpoint}");

            // The office's screen talks to node 3 itself: the room opens on the node its first client reached.
            var office = await DeviceAsync("office", nodes[2].Room(RoomName), devices);
            await office.WhenSyncedAsync();
            var laptop = await DeviceAsync("laptop", balancer.Room(RoomName), devices);
            var phone = await DeviceAsync("phone", balancer.Room(RoomName), devices);
            Console.WriteLine($"Room '{RoomName}' lives on {await WhereAsync(nodes[0], nodes)}; the laptop and the phone came in through the balancer.");

            for (var i = 1; i <= 3; i++)
            {
                await laptop.SetAtomAsync([$"todo{i}", "title"], $"Task {i} from the laptop");
            }

            await phone.SetAtomAsync(["todo1", "done"], true);
            await Task.WhenAll(devices.Select(device => device.WhenSyncedAsync()));
            await ShowAsync("Everyone in sync", devices);

            Console.WriteLine($"Killing node 3 (SIGKILL), which holds the room and the office's connection...");
            await nodes[2].KillAsync();

            const int More = 50;
            for (var i = 4; i < 4 + More; i++)
            {
                await laptop.SetAtomAsync([$"todo{i}", "title"], $"Task {i} from the laptop");
            }

            await phone.SetAtomAsync(["todo2", "done"], true);
            await laptop.WhenStoredAsync(); // Waits through the reconnection: the room's new home says it stored them.
            await phone.WhenStoredAsync();
            Console.WriteLine($"The laptop's {More} new tasks and the phone's edit are stored; the room now lives on {await WhereAsync(nodes[0], nodes)}.");
            await Task.WhenAll(laptop.WhenSyncedAsync(), phone.WhenSyncedAsync());
            await ShowAsync("Laptop and phone, through the surviving nodes", [laptop, phone]);

            Console.WriteLine("Starting node 3 again; the office reconnects to it and resyncs...");
            nodes[2] = await NodeProcess.StartAsync("node 3", nodes[2].Settings, Console.WriteLine);
            await office.WhenSyncedAsync();
            await Task.WhenAll(devices.Select(device => device.WhenSyncedAsync()));
            await ShowAsync("Everyone again", devices);

            var expected = 3 + More;
            var counts = await Task.WhenAll(devices.Select(async device => (await device.GetChildIdsAsync([])).Count));
            var hashes = await Task.WhenAll(devices.Select(device => device.GetHashAsync([])));
            var converged = counts.All(count => count == expected) && hashes.Distinct().Count() == 1;
            Console.WriteLine(converged
                ? $"Nothing lost: all {expected} tasks on every device, one root hash ({hashes[0]})."
                : $"NOT converged: {string.Join(", ", counts)} tasks; hashes {string.Join(", ", hashes)}.");
            return converged ? 0 : 1;
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }

            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<Synclet> DeviceAsync(string name, Uri room, List<Synclet> devices)
    {
        var transport = new WebSocketTransport(room, new WebSocketTransportOptions { MaxReconnectDelay = TimeSpan.FromSeconds(1) });
        var device = new Synclet(new MemoryDataConnector(Node.Depth), new MemoryMetaConnector(Node.Depth), transport, new SyncletOptions { Id = name });
        await device.StartAsync();
        devices.Add(device);
        return device;
    }

    /// <summary>Which node the room's grain is active on, asked of a live node.</summary>
    private static async Task<string> WhereAsync(NodeProcess ask, List<NodeProcess> nodes)
    {
        using var http = new HttpClient { BaseAddress = ask.Http };
        var info = await http.GetFromJsonAsync<ClusterRoomInfo>($"/cluster/rooms/{RoomName}");
        var node = nodes.FindIndex(node => info!.Silo.Contains($":{node.Settings.SiloPort}:", StringComparison.Ordinal));
        return $"node {node + 1} ({info!.Nodes} node(s) hold its {info.Connections} connection(s))";
    }

    private static async Task ShowAsync(string title, IReadOnlyList<Synclet> devices)
    {
        Console.WriteLine(title + ":");
        foreach (var device in devices)
        {
            var rows = await device.GetChildIdsAsync([]);
            var done = 0;
            foreach (var row in rows)
            {
                if ((await device.GetAtomAsync([row, "done"])).Kind == AtomKind.Boolean)
                {
                    done++;
                }
            }

            Console.WriteLine($"  {device.Id,-7} {rows.Count} tasks, {done} done, root hash {await device.GetHashAsync([])}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
