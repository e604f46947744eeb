using System.Collections.Concurrent;
using System.Diagnostics;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Many clients in one store room with the server in a process of its own (so its memory is
/// measured alone). Every client makes its changes, all at once (a burst: latency then is mostly
/// the queue) or paced at a steady rate (latency of a server that keeps up); the time until every
/// client holds every change gives the sustained rate; a change's latency is the time until one
/// observing client applies it; and a fresh client that syncs from the server alone, once the
/// others are gone, shows that the server lost nothing.
/// </summary>
internal static class CrowdScenario
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <param name="clientCount">How many clients join the room.</param>
    /// <param name="changesEach">How many changes each client makes.</param>
    /// <param name="changesPerSecondEach">Each client's pace; null for all at once.</param>
    public static async Task<ScenarioResult> RunAsync(int clientCount, int changesEach, double? changesPerSecondEach = null)
    {
        await using var server = await RoomServerProcess.StartAsync();
        var room = new Uri(server.Address, "/sync/crowd");
        var total = clientCount * changesEach;
        var clients = new List<CountingClient>();
        for (var i = 0; i < clientCount; i++)
        {
            var client = new CountingClient($"client{i}", room, total);
            await client.Synclet.StartAsync();
            clients.Add(client);
        }

        // Latency: from the moment a client makes a change until the observer (client 0) applies it.
        var started = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        clients[0].Synclet.AtomsChanged += (_, e) =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var change in e.Changes)
            {
                if (started.TryRemove(change.Address[0] + "/" + change.Address[1], out var at))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                }
            }
        };

        var serverBefore = server.WorkingSet;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
        {
            using var pace = changesPerSecondEach is { } rate ? new PeriodicTimer(TimeSpan.FromSeconds(1 / rate)) : null;
            if (pace is not null)
            {
                // Spread the clients over one period, so that the load is steady rather than in waves.
                await Task.Delay(TimeSpan.FromSeconds((double)i / clientCount / changesPerSecondEach!.Value));
            }

            for (var change = 0; change < changesEach; change++)
            {
                if (pace is not null && change > 0)
                {
                    await pace.WaitForNextTickAsync();
                }

                if (i != 0)
                {
                    started[$"client{i}/c{change}"] = Stopwatch.GetTimestamp();
                }

                await client.Synclet.SetAtomAsync([$"client{i}", $"c{change}"], change);
            }
        })));
        var allArrived = await Task.WhenAll(clients.Select(client => client.AllSeen.WaitAsync(Patience).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default)));
        watch.Stop();
        var serverPeak = server.PeakWorkingSet;
        var messages = clients.Sum(c => c.Synclet.Statistics.MessagesSent);
        var bytes = clients.Sum(c => c.Synclet.Statistics.BytesSent);
        foreach (var client in clients)
        {
            await client.Synclet.DisposeAsync();
        }

        // Nothing lost: with every other client gone, only the server can answer a new one.
        var auditor = new CountingClient("auditor", room, total);
        await auditor.Synclet.StartAsync();
        var stored = await auditor.AllSeen.WaitAsync(Patience).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
        var storedCount = auditor.Seen;
        await auditor.Synclet.DisposeAsync();

        var sorted = latencies.Order().ToArray();
        var rate = total / watch.Elapsed.TotalSeconds;
        return new ScenarioResult
        {
            Scenario = "many-clients",
            Store = "sqlite-generic",
            Transport = "websocket",
            Depth = 2,
            Atoms = total,
            Seconds = watch.Elapsed.TotalSeconds,
            Messages = messages,
            Bytes = bytes,
            PeakMemoryBytes = serverPeak,
            BaseMemoryBytes = serverBefore,
            P50Ms = sorted.Length > 0 ? sorted[sorted.Length / 2] : null,
            P99Ms = sorted.Length > 0 ? sorted[(int)(sorted.Length * 0.99)] : null,
            Converged = allArrived.All(arrived => arrived) && stored,
            Note = $"{clientCount} clients x {changesEach} changes {(changesPerSecondEach is { } pace ? $"at {pace} changes/s each" : "at once")}, one store room (SQLite), server in its own process: {rate:F0} changes/s until every client held all {total}; " +
                $"{allArrived.Count(arrived => arrived)} of {clientCount} clients got everything; the server alone gave a new client {storedCount} of {total}; " +
                "latency = a change until the observing client applied it; memory = the server process's resident set (peak; base once the clients had joined)",
        };
    }

    /// <summary>A client with memory storage that signals once it has seen a given number of atoms written.</summary>
    private sealed class CountingClient
    {
        private readonly TaskCompletionSource _allSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _seen;

        public CountingClient(string id, Uri room, int expected)
        {
            Synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(room), new SyncletOptions { Id = id });
            Synclet.AtomsChanged += (_, e) =>
            {
                if (Interlocked.Add(ref _seen, e.Changes.Count) >= expected)
                {
                    _allSeen.TrySetResult();
                }
            };
        }

        public Synclet Synclet { get; }

        public int Seen => Volatile.Read(ref _seen);

        public Task AllSeen => _allSeen.Task;
    }
}
