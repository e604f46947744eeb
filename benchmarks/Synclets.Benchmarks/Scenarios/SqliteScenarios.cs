using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Initial sync from one SQLite file to an empty one over the memory transport, beside the raw
/// baseline of SQLite inserting the same atoms into a plain address-keyed table (one
/// transaction, one prepared statement), measured in the same run.
/// </summary>
internal static class SqliteScenarios
{
    /// <summary>Measured warm, like its baseline: the same sync runs once on a tenth of the atoms first.</summary>
    public static async Task<ScenarioResult> InitialSyncAsync(long atoms)
    {
        await SyncOnceAsync(Math.Max(1, atoms / 10));
        return await SyncOnceAsync(atoms);
    }

    private static async Task<ScenarioResult> SyncOnceAsync(long atoms)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-bench-");
        try
        {
            var baseline = Baselines.Narrow(folder.FullName, atoms);

            await using var source = await SqliteStore.OpenAsync(Path.Combine(folder.FullName, "source.db"), 2);
            await using var target = await SqliteStore.OpenAsync(Path.Combine(folder.FullName, "target.db"), 2);
            var hub = new MemoryPool();
            await using var full = new Synclet(source.Data, source.Meta, hub.CreateTransport(), new SyncletOptions { Id = "full" });
            await using var empty = new Synclet(target.Data, target.Meta, hub.CreateTransport(), new SyncletOptions { Id = "empty" });
            await FillAsync(source, atoms);
            await full.StartAsync();
            await Quiescence.WaitAsync(full, hub);

            using var memory = new MemorySampler();
            var watch = Stopwatch.StartNew();
            await empty.StartAsync();
            await Quiescence.WaitAsync(full, empty, hub);
            watch.Stop();
            return new ScenarioResult
            {
                Scenario = "initial-sync",
                Store = "sqlite-generic",
                Transport = "memory",
                Depth = 2,
                Atoms = atoms,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = full.Statistics.MessagesSent + empty.Statistics.MessagesSent,
                Bytes = full.Statistics.BytesSent + empty.Statistics.BytesSent,
                PeakMemoryBytes = memory.Peak,
                BaseMemoryBytes = memory.Base,
                BaselineSeconds = baseline,
                Ratio = watch.Elapsed.TotalSeconds / baseline,
                Converged = await full.GetHashAsync([]) == await empty.GetHashAsync([]),
                Note = $"baseline: raw SQLite inserting the same atoms into a plain (address, atom) table, one transaction, prepared statement; {memory.GcSummary}",
            };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Fills a store directly, rows of ten columns, in one transaction (setup, not measured).</summary>
    public static async Task FillAsync(SqliteStore store, long atoms, Func<long, Atom>? value = null)
    {
        var clock = new HybridLogicalClock("filler");
        await store.Data.BeginWritesAsync();
        await store.Meta.BeginWritesAsync();
        for (long i = 0; i < atoms; i++)
        {
            string[] address = [$"r{i / 10}", $"c{i % 10}"];
            await store.Data.SetAtomAsync(address, value?.Invoke(i) ?? Value(i));
            await store.Meta.SetTimestampAsync(address, clock.Next());
        }

        await store.Data.CommitWritesAsync();
        await store.Meta.CommitWritesAsync();
    }

    internal static Atom Value(long i) => i % 3 == 0 ? Atom.FromNumber(i) : Atom.FromString($"value {i}");
}
