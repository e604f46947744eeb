using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Initial sync from one SQLite file to an empty one over the memory transport, in either layout,
/// beside the raw baseline measured in the same run: SQLite inserting the same atoms into a plain
/// address-keyed table (generic), or the same rows into a plain wide table (typed); one
/// transaction, one prepared statement.
/// </summary>
internal static class SqliteScenarios
{
    /// <summary>Measured warm, like its baseline: the same sync runs once on a tenth of the atoms first.</summary>
    public static async Task<ScenarioResult> InitialSyncAsync(string layout, long atoms)
    {
        await SyncOnceAsync(layout, Math.Max(10, atoms / 10));
        return await SyncOnceAsync(layout, atoms);
    }

    private static async Task<ScenarioResult> SyncOnceAsync(string layout, long atoms)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-bench-");
        try
        {
            var typed = layout == SqliteStorage.Typed;
            var baseline = typed ? Baselines.Wide(folder.FullName, atoms / 10) : Baselines.Narrow(folder.FullName, atoms);
            await using var source = await SqliteStorage.OpenAsync(layout, Path.Combine(folder.FullName, "source.db"));
            await using var target = await SqliteStorage.OpenAsync(layout, Path.Combine(folder.FullName, "target.db"));
            var hub = new MemoryPool();
            await using var full = new Synclet(source.Data, source.Meta, hub.CreateTransport(), new SyncletOptions { Id = "full" });
            await using var empty = new Synclet(target.Data, target.Meta, hub.CreateTransport(), new SyncletOptions { Id = "empty" });
            await source.FillAsync(atoms);
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
                Store = layout,
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
                Note = typed
                    ? $"typed table to typed table; baseline: raw SQLite inserting the rows into a wide 10-column table, one transaction, prepared statement; {memory.GcSummary}"
                    : $"baseline: raw SQLite inserting the same atoms into a plain (address, atom) table, one transaction, prepared statement; {memory.GcSummary}",
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
