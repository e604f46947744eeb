using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Synclets.AspNetCore;
using Synclets.Connectors;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>Syncs through a real Kestrel WebSocket broker on loopback.</summary>
internal static class WebSocketScenarios
{
    /// <summary>One change at a time from client A to client B through a relay broker, each timed until B has applied it.</summary>
    public static async Task<ScenarioResult> LatencyAsync(int changes)
    {
        await using var server = await StartServerAsync(activity: null, stores: null);
        var room = new Uri(server.BaseUri(), "/sync/latency");
        await using var one = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(room), new SyncletOptions { Id = "one" });
        await using var two = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(room), new SyncletOptions { Id = "two" });
        await one.StartAsync();
        await two.StartAsync();
        TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        two.AtomsChanged += (_, _) => arrived.TrySetResult();

        var samples = new double[changes];
        using var memory = new MemorySampler();
        var total = Stopwatch.StartNew();
        for (var i = -50; i < changes; i++)
        {
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watch = Stopwatch.StartNew();
            await one.SetAtomAsync(["r1", "c1"], i);
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            if (i >= 0)
            {
                samples[i] = watch.Elapsed.TotalMilliseconds; // The first 50 warm the JIT and the sockets.
            }
        }

        total.Stop();
        Array.Sort(samples);
        return new ScenarioResult
        {
            Scenario = "latency",
            Store = "memory",
            Transport = "websocket",
            Depth = 2,
            Atoms = changes,
            Seconds = total.Elapsed.TotalSeconds,
            Messages = one.Statistics.MessagesSent,
            Bytes = one.Statistics.BytesSent,
            PeakMemoryBytes = memory.Peak,
            P50Ms = samples[changes / 2],
            P99Ms = samples[(int)(changes * 0.99)],
            Converged = await one.GetHashAsync([]) == await two.GetHashAsync([]),
            Note = "one client to another through a relay-only broker on loopback, each change timed until the receiver applied it",
        };
    }

    /// <summary>
    /// A SQLite client syncs up to a store room (SQLite) while a second, empty SQLite client syncs
    /// down from it. Measured warm, like its baseline: the same chain runs once on a tenth of the rows first.
    /// </summary>
    public static async Task<ScenarioResult> InitialSyncAsync(long rows)
    {
        await SyncOnceAsync(Math.Max(1, rows / 10));
        return await SyncOnceAsync(rows);
    }

    private static async Task<ScenarioResult> SyncOnceAsync(long rows)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-ws-bench-");
        try
        {
            var baseline = Baselines.Wide(folder.FullName, rows);
            var activity = new InProcessWire();
            await using var server = await StartServerAsync(activity, async (name, cancellationToken) =>
            {
                var store = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, name + "-server.db"), cancellationToken);
                return new RoomStorage(store, store, store);
            });
            var room = new Uri(server.BaseUri(), "/sync/bench");
            await using var sourceStore = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, "source.db"));
            await using var targetStore = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, "target.db"));
            await using var source = new Synclet(sourceStore, sourceStore, new WebSocketTransport(room, new WebSocketTransportOptions { Observer = activity }), new SyncletOptions { Id = "source" });
            await using var target = new Synclet(targetStore, targetStore, new WebSocketTransport(room, new WebSocketTransportOptions { Observer = activity }), new SyncletOptions { Id = "target" });
            await TypedSqliteScenario.FillAsync(sourceStore, rows);

            using var memory = new MemorySampler();
            var watch = Stopwatch.StartNew();
            await source.StartAsync();
            await target.StartAsync();
            var broker = server.Services.GetRequiredService<SyncletsBroker>();
            var roomStore = broker.GetRoomStore("bench") ?? throw new InvalidOperationException($"The room did not open; open rooms: {string.Join(", ", broker.RoomNames)}.");
            await Quiescence.WaitAsync([source, target, activity, roomStore]);
            watch.Stop();
            return new ScenarioResult
            {
                Scenario = "initial-sync",
                Store = "sqlite-typed",
                Transport = "websocket",
                Depth = 2,
                Atoms = rows * 10,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = source.Statistics.MessagesSent + target.Statistics.MessagesSent + broker.GetRoomStore("bench")!.Statistics.MessagesSent,
                Bytes = source.Statistics.BytesSent + target.Statistics.BytesSent + broker.GetRoomStore("bench")!.Statistics.BytesSent,
                PeakMemoryBytes = memory.Peak,
                BaselineSeconds = baseline,
                Ratio = watch.Elapsed.TotalSeconds / baseline,
                Converged = await source.GetHashAsync([]) == await target.GetHashAsync([]),
                Note = $"typed SQLite client -> broker store room (typed SQLite) -> empty typed SQLite client; baseline: raw SQLite inserting the rows into a wide 10-column table, one transaction, prepared statement; {memory.GcSummary}",
            };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The same chain with the broker in a process of its own, as a deployed server is: its heap,
    /// and its garbage collector's pauses, are its own. With <paramref name="serverGc"/> the server
    /// runs with the server collector (ASP.NET Core's default for web apps). The server process
    /// serves a warm-up chain on a tenth of the rows first, like the clients.
    /// </summary>
    public static async Task<ScenarioResult> InitialSyncThroughServerProcessAsync(long rows, bool serverGc)
    {
        await using var server = await RoomServerProcess.StartAsync(typed: true, serverGc);
        await SyncThroughServerProcessOnceAsync(server, "warm-up", Math.Max(1, rows / 10), serverGc);
        return await SyncThroughServerProcessOnceAsync(server, "bench", rows, serverGc);
    }

    private static async Task<ScenarioResult> SyncThroughServerProcessOnceAsync(RoomServerProcess server, string roomName, long rows, bool serverGc)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-ws-bench-");
        try
        {
            var baseline = Baselines.Wide(folder.FullName, rows);
            var room = new Uri(server.Address, "/sync/" + roomName);
            await using var sourceStore = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, "source.db"));
            await using var targetStore = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, "target.db"));
            await using var source = new Synclet(sourceStore, sourceStore, new WebSocketTransport(room), new SyncletOptions { Id = "source" });
            await using var target = new Synclet(targetStore, targetStore, new WebSocketTransport(room), new SyncletOptions { Id = "target" });
            await TypedSqliteScenario.FillAsync(sourceStore, rows);
            var expected = await source.GetHashAsync([]);

            using var memory = new MemorySampler();
            var watch = Stopwatch.StartNew();
            await source.StartAsync();
            await target.StartAsync();

            // Across processes there is no shared activity counter: the signal is the target's root
            // hash reaching the source's (read through the target's queue, behind what it applies).
            while (await target.GetHashAsync([]) != expected)
            {
                await Task.Delay(10);
            }

            watch.Stop();
            return new ScenarioResult
            {
                Scenario = "initial-sync",
                Store = "sqlite-typed",
                Transport = serverGc ? "websocket-server-process-server-gc" : "websocket-server-process",
                Depth = 2,
                Atoms = rows * 10,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = source.Statistics.MessagesSent + target.Statistics.MessagesSent,
                Bytes = source.Statistics.BytesSent + target.Statistics.BytesSent,
                PeakMemoryBytes = memory.Peak,
                BaselineSeconds = baseline,
                Ratio = watch.Elapsed.TotalSeconds / baseline,
                Converged = true,
                Note = $"typed SQLite client -> broker store room (typed SQLite) in a process of its own ({(serverGc ? "server" : "workstation")} GC; server peak resident {server.PeakWorkingSet / 1_000_000} MB) -> empty typed SQLite client; messages and bytes are the clients' only; baseline as above; clients' process: {memory.GcSummary}",
            };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A Kestrel broker on a loopback port; <paramref name="stores"/> opens each room's store (null: relay-only rooms).</summary>
    internal static async Task<WebApplication> StartServerAsync(InProcessWire? activity, Func<string, CancellationToken, ValueTask<RoomStorage?>>? stores)
    {
        // As synclets serve: no configuration watcher on the working folder, so the figures do not
        // depend on where the benchmark is started from (docs/server.md).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddSynclets(options =>
        {
            options.Observer = activity;
            options.MaxQueuedPacketsPerConnection = 100_000;
            if (stores is not null)
            {
                options.StoreFactory = (room, _, cancellationToken) => stores(room, cancellationToken);
            }
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.MapSynclets("/sync/{room}");
        await app.StartAsync();
        return app;
    }

    internal static Uri BaseUri(this WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("http://", "ws://", StringComparison.Ordinal));
}
