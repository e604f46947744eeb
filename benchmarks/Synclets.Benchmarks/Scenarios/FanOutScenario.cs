using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Synclets.Connectors;
using Synclets.Samples.Cluster;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// A cluster's fan-out: the cluster sample's nodes as processes of their own (localhost
/// clustering, a SQLite store room), one writer making changes at a steady rate, and many raw
/// WebSocket readers (not synclets: they only read and count) spread over the nodes, in this
/// process. For each change, the time from its write to its receipt by the last reader; a change
/// some reader never got is lost. The nodes' memory is their processes' peak working sets.
/// </summary>
internal static class FanOutScenario
{
    public const string Scenario = "fan-out";

    /// <param name="nodeCount">Cluster nodes; 0 for the single server (not clustered) the other scenarios use, in a process of its own.</param>
    public static async Task<ScenarioResult> RunAsync(int nodeCount, int readerCount, int changesPerSecond, TimeSpan duration)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-fan-out-").FullName;
        var nodes = new List<NodeProcess>();
        RoomServerProcess? single = null;
        var sockets = new List<ClientWebSocket>();
        try
        {
            var silos = Enumerable.Range(0, nodeCount).Select(_ => FreePort()).ToArray();
            for (var i = 0; i < nodeCount; i++)
            {
                nodes.Add(await NodeProcess.StartAsync($"node {i + 1}", new NodeSettings(FreePort(), silos[i], silos[0], folder, null, "fan-out"), program: SampleDll()));
            }

            single = nodeCount == 0 ? await RoomServerProcess.StartAsync() : null;
            var rooms = single is { } server ? [new Uri(server.Address, "/sync/fanout")] : nodes.Select(node => node.Room("fanout")).ToArray();
            long Memory() => single?.WorkingSet ?? nodes.Sum(node => node.WorkingSet);
            long PeakMemory() => single?.PeakWorkingSet ?? nodes.Sum(node => node.PeakWorkingSet);

            // The writer on node 1 opens the room there; the readers spread over every node.
            var writerTransport = new WebSocketTransport(rooms[0]);
            await using var writer = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), writerTransport);
            await writer.StartAsync();
            await writer.WhenSyncedAsync();

            var changes = (int)(changesPerSecond * duration.TotalSeconds);
            var counts = new int[changes + 1]; // The last one is the warm-up change.
            var lastAt = new long[changes + 1];
            var sentAt = new long[changes + 1];
            long bytes = 0;
            var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var complete = 0;
            var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Arrived(int change)
            {
                if (Interlocked.Increment(ref counts[change]) == readerCount)
                {
                    lastAt[change] = Stopwatch.GetTimestamp();
                    if (change == changes)
                    {
                        warmedUp.TrySetResult();
                    }
                    else if (Interlocked.Increment(ref complete) == changes)
                    {
                        allIn.TrySetResult();
                    }
                }
            }

            using var stop = new CancellationTokenSource();
            var readers = new List<Task>();
            for (var i = 0; i < readerCount; i++)
            {
                var socket = new ClientWebSocket();
                await socket.ConnectAsync(rooms[i % rooms.Length], CancellationToken.None);
                sockets.Add(socket);
                readers.Add(ReadAsync(socket, Arrived, count => Interlocked.Add(ref bytes, count), stop.Token));
            }

            await writer.SetAtomAsync(["c", $"k{changes}"], changes); // The warm-up change: every reader is listening once all have it.
            await warmedUp.Task.WaitAsync(TimeSpan.FromMinutes(1));
            var serversBefore = Memory();

            var watch = Stopwatch.StartNew();
            using (var pace = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / changesPerSecond)))
            {
                for (var change = 0; change < changes; change++)
                {
                    // Catches up after a late tick, so the rate holds on average.
                    while (watch.Elapsed.TotalSeconds * changesPerSecond < change)
                    {
                        await pace.WaitForNextTickAsync();
                    }

                    sentAt[change] = Stopwatch.GetTimestamp();
                    await writer.SetAtomAsync(["c", $"k{change}"], change);
                }
            }

            await writer.WhenStoredAsync();
            var allArrived = await allIn.Task.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(task => task.IsCompletedSuccessfully, TaskScheduler.Default);
            watch.Stop();
            var latencies = Enumerable.Range(0, changes).Where(change => counts[change] == readerCount)
                .Select(change => Stopwatch.GetElapsedTime(sentAt[change], lastAt[change]).TotalMilliseconds).Order().ToArray();
            var lost = changes - latencies.Length;
            await stop.CancelAsync();
            return new ScenarioResult
            {
                Scenario = Scenario,
                Store = "sqlite-generic",
                Transport = TransportName(nodeCount),
                Depth = 2,
                Atoms = changes,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = writer.Statistics.MessagesSent,
                Bytes = Interlocked.Read(ref bytes),
                PeakMemoryBytes = PeakMemory(),
                BaseMemoryBytes = serversBefore,
                P50Ms = Percentile(latencies, 0.50),
                P99Ms = Percentile(latencies, 0.99),
                Lost = lost,
                Converged = allArrived && lost == 0,
                Note = $"{readerCount} raw readers in the runner's process, {changesPerSecond} changes/s for {duration.TotalSeconds:0} s; memory is the server's process{(nodeCount > 1 ? "es together" : string.Empty)}",
            };
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }

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

    /// <summary>The result's transport: <c>single-server</c>, or <c>cluster-N-nodes</c>.</summary>
    public static string TransportName(int nodeCount) => nodeCount switch
    {
        0 => "single-server",
        1 => "cluster-1-node",
        _ => $"cluster-{nodeCount}-nodes",
    };

    /// <summary>
    /// Reads packets and counts, for each change id <c>"k123"</c> in them, one arrival. It scans
    /// the bytes as they come, with no string per packet: a reader that allocated would measure
    /// its own collector's pauses (a change id never spans two packets: they are small).
    /// </summary>
    private static async Task ReadAsync(ClientWebSocket socket, Action<int> arrived, Action<int> read, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                read(result.Count);
                CountChanges(buffer.AsSpan(0, result.Count), arrived);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // Stopped.
        }
    }

    /// <summary>Finds each <c>"k</c> followed by digits and a closing quote, and reports the number.</summary>
    private static void CountChanges(ReadOnlySpan<byte> bytes, Action<int> arrived)
    {
        while (bytes.IndexOf("\"k"u8) is >= 0 and var at)
        {
            bytes = bytes[(at + 2)..];
            var change = 0;
            var digits = 0;
            while (digits < bytes.Length && bytes[digits] is >= (byte)'0' and <= (byte)'9')
            {
                change = (change * 10) + (bytes[digits] - '0');
                digits++;
            }

            if (digits > 0 && digits < bytes.Length && bytes[digits] == (byte)'"')
            {
                arrived(change);
            }
        }
    }

    private static double? Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? null : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];

    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string SampleDll() =>
        Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("benchmarks", "Synclets.Benchmarks"), Path.Combine("samples", "Synclets.Samples.Cluster"), StringComparison.Ordinal), "Synclets.Samples.Cluster.dll");
}
