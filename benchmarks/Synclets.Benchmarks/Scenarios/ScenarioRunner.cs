using System.Diagnostics;
using System.Text.Json;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// End-to-end syncs, measured: prints one JSON object per line per result. Arguments:
/// <c>--filter TEXT</c> keeps results whose scenario, store or transport contains TEXT, or is
/// exactly TEXT when written <c>=TEXT</c> (given several times, a result must match each);
/// <c>--atoms N</c> runs the size-dependent scenarios at N atoms only;
/// <c>--repeat N</c> runs each scenario N times and then prints their medians (see <see cref="Medians"/>);
/// <c>--allocations</c> ends with where the last measured run allocated (see <see cref="AllocationProfile"/>).
/// </summary>
internal static class ScenarioRunner
{
    private static readonly long[] DefaultSizes = [10_000, 100_000, 1_000_000];

    public static async Task<int> RunAsync(string[] args)
    {
        var filters = new List<string>();
        long? atoms = null;
        var repeat = 1;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--filter" when i + 1 < args.Length:
                    filters.Add(args[++i]);
                    break;
                case "--atoms" when i + 1 < args.Length && long.TryParse(args[i + 1], out var n) && n > 0:
                    atoms = n;
                    i++;
                    break;
                case "--repeat" when i + 1 < args.Length && int.TryParse(args[i + 1], out var times) && times > 0:
                    repeat = times;
                    i++;
                    break;
                case "--allocations":
                    AllocationProfile.Enabled = true;
                    break;
                default:
                    await Console.Error.WriteLineAsync($"Unknown or incomplete argument '{args[i]}'. Usage: scenarios [--filter TEXT]... [--atoms N] [--repeat N] [--allocations]");
                    return 2;
            }
        }

        var sizes = atoms is { } only ? [only] : DefaultSizes;
        var big = atoms ?? 1_000_000;
        var plans = new List<(string Scenario, string Transport, Func<Task<ScenarioResult>> Run)>();
        var sqlitePlans = new HashSet<Func<Task<ScenarioResult>>>();
        var typedPlans = new HashSet<Func<Task<ScenarioResult>>>();
        foreach (var transport in new[] { "memory", "channel" })
        {
            foreach (var depth in new[] { 2, 3 })
            {
                foreach (var size in sizes)
                {
                    plans.Add(("initial-sync", transport, () => InitialSyncAsync(transport, depth, size)));
                }
            }

            plans.Add(("one-change", transport, () => OneChangeAsync(transport, Math.Min(10_000, big))));
            plans.Add(("one-change", transport, () => OneChangeAsync(transport, big)));
            plans.Add(("reconnect", transport, () => ReconnectAsync(transport, big)));
            if (transport == "memory")
            {
                plans.Add(("resumed-sync", transport, () => ResumedSyncScenario.RunAsync(big)));
            }

            plans.Add(("latency", transport, () => LatencyAsync(transport, 1_000)));
        }

        plans.Add(("tracker", "none", () => Task.FromResult(TrackerScenario.Run())));
        Func<Task<ScenarioResult>> typed = () => SqliteScenarios.InitialSyncAsync(SqliteStorage.Typed, big);
        typedPlans.Add(typed);
        plans.Add(("initial-sync", "memory", typed));
        plans.Add(("latency", "websocket", () => WebSocketScenarios.LatencyAsync(1_000)));
        foreach (var operation in new[] { "table-upsert-many", "table-list", "table-upsert-each" })
        {
            Func<Task<ScenarioResult>> tableRun = () => TypedTableScenarios.RunAsync(operation, 10_000);
            typedPlans.Add(tableRun);
            plans.Add((operation, "none", tableRun));
        }

        Func<Task<ScenarioResult>>? postgres = null;
        Func<Task<ScenarioResult>>? postgresChange = null;
        var postgresTyped = new List<Func<Task<ScenarioResult>>>();
        if (PostgresScenarios.ConnectionString is not null)
        {
            postgres = () => PostgresScenarios.InitialSyncAsync(atoms ?? 100_000);
            plans.Add(("initial-sync", "memory", postgres));
            postgresChange = () => PostgresScenarios.OneChangeAsync(atoms ?? 1_000_000);
            plans.Add(("one-change", "memory", postgresChange));
            foreach (var transport in new[] { "memory", "websocket" })
            {
                Func<Task<ScenarioResult>> typedPostgres = () => TypedPostgresScenarios.InitialSyncAsync(transport, atoms is { } cells ? cells / 10 : 100_000);
                postgresTyped.Add(typedPostgres);
                plans.Add(("initial-sync", transport, typedPostgres));
            }

            foreach (var rows in new long[] { 1_000, 100_000 })
            {
                Func<Task<ScenarioResult>> typedChange = () => TypedPostgresScenarios.OneChangeAsync(rows);
                postgresTyped.Add(typedChange);
                plans.Add(("one-change", "memory", typedChange));
            }
        }

        foreach (var operation in new[] { "table-query-page", "table-query-all" })
        {
            foreach (var store in new[] { "memory", "sqlite-typed" })
            {
                Func<Task<ScenarioResult>> queryRun = () => QueryScenarios.RunAsync(operation, store, 10_000);
                typedPlans.Add(queryRun);
                plans.Add((operation, store == "memory" ? "memory" : "none", queryRun));
            }
        }

        foreach (var pace in new double?[] { null, 2 })
        {
            Func<Task<ScenarioResult>> crowd = () => CrowdScenario.RunAsync(200, 20, pace);
            sqlitePlans.Add(crowd);
            plans.Add(("many-clients", "websocket", crowd));
        }
        Func<Task<ScenarioResult>> websocketSync = () => WebSocketScenarios.InitialSyncAsync(atoms is { } rows ? rows / 10 : 100_000);
        typedPlans.Add(websocketSync);
        plans.Add(("initial-sync", "websocket", websocketSync));
        foreach (var serverGc in new[] { false, true })
        {
            Func<Task<ScenarioResult>> separate = () => WebSocketScenarios.InitialSyncThroughServerProcessAsync(atoms is { } rows ? rows / 10 : 100_000, serverGc);
            typedPlans.Add(separate);
            plans.Add(("initial-sync", serverGc ? "websocket-server-process-server-gc" : "websocket-server-process", separate));
        }
        foreach (var layout in new[] { "sqlite-generic", "sqlite-typed" })
        {
            foreach (var (scenario, size, reconnect) in new[] { ("one-change", Math.Min(10_000, big), false), ("one-change", big, false), ("reconnect", big, true) })
            {
                Func<Task<ScenarioResult>> change = () => SqliteChangeScenarios.RunAsync(layout, size, reconnect);
                (layout == "sqlite-typed" ? typedPlans : sqlitePlans).Add(change);
                plans.Add((scenario, "memory", change));
            }
        }

        foreach (var size in atoms is { } n ? [n] : new long[] { 100_000, 1_000_000 })
        {
            Func<Task<ScenarioResult>> sqlite = () => SqliteScenarios.InitialSyncAsync(SqliteStorage.Generic, size);
            sqlitePlans.Add(sqlite);
            plans.Add(("initial-sync", "memory", sqlite));
        }

        var storeOf = new Dictionary<Func<Task<ScenarioResult>>, string>();
        foreach (var size in atoms is { } cold ? [cold] : new long[] { 100_000, 1_000_000 })
        {
            plans.Add(("initial-sync", ColdProcessScenario.Transport, () => ColdProcessScenario.RunAsync(size)));
        }

        foreach (var transport in new[] { "single-server", "cluster-1-node", "cluster-2-nodes" })
        {
            Func<Task<ScenarioResult>> clusterSync = () => ClusterSyncScenario.RunAsync(transport, atoms is { } cells ? cells / 10 : 10_000);
            sqlitePlans.Add(clusterSync);
            plans.Add(("initial-sync", transport, clusterSync));
        }

        foreach (var nodeCount in new[] { 0, 1, 2, 3 })
        {
            Func<Task<ScenarioResult>> fanOut = () => FanOutScenario.RunAsync(nodeCount, readerCount: 1_000, changesPerSecond: 100, TimeSpan.FromSeconds(30));
            sqlitePlans.Add(fanOut);
            plans.Add((FanOutScenario.Scenario, FanOutScenario.TransportName(nodeCount), fanOut));
        }

        foreach (var store in TombstoneScenarios.Stores.Where(store => !store.StartsWith("postgres", StringComparison.Ordinal) || PostgresScenarios.ConnectionString is not null))
        {
            Func<Task<ScenarioResult>> collect = () => TombstoneScenarios.RunAsync(store, atoms is { } cells ? cells / 10 : 100_000);
            storeOf[collect] = store;
            plans.Add((TombstoneScenarios.Scenario, "none", collect));
        }

        foreach (var (scenario, transport, run) in plans)
        {
            var store = storeOf.TryGetValue(run, out var named) ? named : typedPlans.Contains(run) ? "sqlite-typed" : sqlitePlans.Contains(run) ? "sqlite-generic" : run == postgres || run == postgresChange ? PostgresScenarios.Store : postgresTyped.Contains(run) ? TypedPostgresScenarios.Store : scenario == "tracker" ? "none" : "memory";
            if (!filters.TrueForAll(filter => Matches(filter, scenario) || Matches(filter, store) || Matches(filter, transport)))
            {
                continue;
            }

            var runs = new List<ScenarioResult>(repeat);
            for (var i = 0; i < repeat; i++)
            {
                runs.Add(await run());
                Console.WriteLine(JsonSerializer.Serialize(runs[^1], ScenarioJson.Default.ScenarioResult));
            }

            if (repeat > 1)
            {
                Console.WriteLine(JsonSerializer.Serialize(Medians.Of(runs), ScenarioJson.Default.ScenarioResult));
            }
        }

        if (filters.TrueForAll(filter => "generator".Contains(filter, StringComparison.Ordinal) || filter.StartsWith("generator", StringComparison.Ordinal)))
        {
            foreach (var result in GeneratorScenarios.Run())
            {
                Console.WriteLine(JsonSerializer.Serialize(result, ScenarioJson.Default.ScenarioResult));
            }
        }

        await AllocationProfile.ReportAsync();
        return 0;
    }

    /// <summary>Whether a name passes a filter: <c>=TEXT</c> is the name exactly, <c>TEXT</c> any name containing it.</summary>
    private static bool Matches(string filter, string name) =>
        filter.StartsWith('=') ? name == filter[1..] : name.Contains(filter, StringComparison.Ordinal);

    private static PacketHub NewHub(string transport) => transport == "channel" ? new ChannelPool() : new MemoryPool();

    /// <summary>One populated synclet already running; an empty one joins and catches up.</summary>
    private static async Task<ScenarioResult> InitialSyncAsync(string transport, int depth, long atoms)
    {
        var hub = NewHub(transport);
        await using var full = new Replica("full", depth, hub.CreateTransport());
        await using var empty = new Replica("empty", depth, hub.CreateTransport());
        await full.FillAsync(atoms);
        await full.Synclet.StartAsync();
        await Quiescence.WaitAsync(full.Synclet, hub);

        using var memory = new MemorySampler();
        var watch = Stopwatch.StartNew();
        await empty.Synclet.StartAsync();
        await Quiescence.WaitAsync(full.Synclet, empty.Synclet, hub);
        watch.Stop();
        var note = memory.GcSummary;

        return new ScenarioResult
        {
            Scenario = "initial-sync",
            Store = "memory",
            Transport = transport,
            Depth = depth,
            Atoms = atoms,
            Seconds = watch.Elapsed.TotalSeconds,
            Messages = full.Synclet.Statistics.MessagesSent + empty.Synclet.Statistics.MessagesSent,
            Bytes = full.Synclet.Statistics.BytesSent + empty.Synclet.Statistics.BytesSent,
            PeakMemoryBytes = memory.Peak,
            BaseMemoryBytes = memory.Base,
            Converged = await full.Synclet.GetHashAsync([]) == await empty.Synclet.GetHashAsync([]),
            Note = note,
        };
    }

    /// <summary>Two converged synclets; one changes one atom; time until both are idle again.</summary>
    private static async Task<ScenarioResult> OneChangeAsync(string transport, long atoms)
    {
        var (hub, one, two) = await ConvergedPairAsync(transport, atoms);
        await using (one)
        await using (two)
        {
            var before = Sent(one, two);
            using var memory = new MemorySampler();
            var watch = Stopwatch.StartNew();
            await one.Synclet.SetAtomAsync(Replica.AddressOf(atoms / 2, 2), "changed");
            await Quiescence.WaitAsync(one.Synclet, two.Synclet, hub);
            watch.Stop();
            var after = Sent(one, two);
            return new ScenarioResult
            {
                Scenario = "one-change",
                Store = "memory",
                Transport = transport,
                Depth = 2,
                Atoms = atoms,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = after.Messages - before.Messages,
                Bytes = after.Bytes - before.Bytes,
                PeakMemoryBytes = memory.Peak,
                Converged = await one.Synclet.GetHashAsync([]) == await two.Synclet.GetHashAsync([]),
            };
        }
    }

    /// <summary>Two converged synclets; one stops, the other makes 10 changes; time for the first to catch up on restart.</summary>
    private static async Task<ScenarioResult> ReconnectAsync(string transport, long atoms)
    {
        var (hub, one, two) = await ConvergedPairAsync(transport, atoms);
        await using (one)
        await using (two)
        {
            await two.Synclet.StopAsync();
            for (var i = 0; i < 10; i++)
            {
                await one.Synclet.SetAtomAsync(Replica.AddressOf(i * (atoms / 10), 2), $"changed {i}");
            }

            await Quiescence.WaitAsync(one.Synclet, two.Synclet, hub);
            var before = Sent(one, two);
            using var memory = new MemorySampler();
            var watch = Stopwatch.StartNew();
            await two.Synclet.StartAsync();
            await Quiescence.WaitAsync(one.Synclet, two.Synclet, hub);
            watch.Stop();
            var after = Sent(one, two);
            return new ScenarioResult
            {
                Scenario = "reconnect",
                Store = "memory",
                Transport = transport,
                Depth = 2,
                Atoms = atoms,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = after.Messages - before.Messages,
                Bytes = after.Bytes - before.Bytes,
                PeakMemoryBytes = memory.Peak,
                Converged = await one.Synclet.GetHashAsync([]) == await two.Synclet.GetHashAsync([]),
                Note = "10 changes made while one side was stopped",
            };
        }
    }

    /// <summary>One change at a time from A to B, each timed until both are idle.</summary>
    private static async Task<ScenarioResult> LatencyAsync(string transport, int changes)
    {
        var (hub, one, two) = await ConvergedPairAsync(transport, 1_000);
        await using (one)
        await using (two)
        {
            var samples = new double[changes];
            using var memory = new MemorySampler();
            var total = Stopwatch.StartNew();
            for (var i = 0; i < changes; i++)
            {
                var watch = Stopwatch.StartNew();
                await one.Synclet.SetAtomAsync(["r1", "c1"], i);
                await Quiescence.WaitAsync(one.Synclet, two.Synclet, hub);
                samples[i] = watch.Elapsed.TotalMilliseconds;
            }

            total.Stop();
            Array.Sort(samples);
            return new ScenarioResult
            {
                Scenario = "latency",
                Store = "memory",
                Transport = transport,
                Depth = 2,
                Atoms = changes,
                Seconds = total.Elapsed.TotalSeconds,
                Messages = one.Synclet.Statistics.MessagesSent,
                Bytes = one.Synclet.Statistics.BytesSent,
                PeakMemoryBytes = memory.Peak,
                P50Ms = samples[changes / 2],
                P99Ms = samples[(int)(changes * 0.99)],
                Converged = await one.Synclet.GetHashAsync([]) == await two.Synclet.GetHashAsync([]),
            };
        }
    }

    private static async Task<(PacketHub Hub, Replica One, Replica Two)> ConvergedPairAsync(string transport, long atoms)
    {
        var hub = NewHub(transport);
        var one = new Replica("one", 2, hub.CreateTransport());
        var two = new Replica("two", 2, hub.CreateTransport());
        await one.FillAsync(atoms);
        await one.Synclet.StartAsync();
        await two.Synclet.StartAsync();
        await Quiescence.WaitAsync(one.Synclet, two.Synclet, hub);
        return (hub, one, two);
    }

    private static (long Messages, long Bytes) Sent(Replica one, Replica two) =>
        (one.Synclet.Statistics.MessagesSent + two.Synclet.Statistics.MessagesSent, one.Synclet.Statistics.BytesSent + two.Synclet.Statistics.BytesSent);
}
