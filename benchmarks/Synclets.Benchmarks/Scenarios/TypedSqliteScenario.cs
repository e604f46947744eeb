using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>A row of ten text columns, the shape of the wide-insert baseline.</summary>
[SyncTree(depth: 2, Naming = SyncNaming.CamelCase)]
public partial record WideRow(string Id, string C0, string C1, string C2, string C3, string C4, string C5, string C6, string C7, string C8, string C9);

/// <summary>Initial sync between typed SQLite tables, beside SQLite inserting the same rows into a plain wide table.</summary>
internal static class TypedSqliteScenario
{
    /// <summary>Measured warm, like its baseline: the same sync runs once on a tenth of the rows first.</summary>
    public static async Task<ScenarioResult> InitialSyncAsync(long rows)
    {
        await SyncOnceAsync(Math.Max(1, rows / 10));
        return await SyncOnceAsync(rows);
    }

    private static async Task<ScenarioResult> SyncOnceAsync(long rows)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-typed-bench-");
        try
        {
            var baseline = Baselines.Wide(folder.FullName, rows);
            await using var source = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, "source.db"));
            await using var target = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, "target.db"));
            await FillAsync(source, rows);
            var hub = new MemoryPool();
            await using var full = new Synclet(source, source, hub.CreateTransport(), new SyncletOptions { Id = "full" });
            await using var empty = new Synclet(target, target, hub.CreateTransport(), new SyncletOptions { Id = "empty" });
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
                Store = "sqlite-typed",
                Transport = "memory",
                Depth = 2,
                Atoms = rows * 10,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = full.Statistics.MessagesSent + empty.Statistics.MessagesSent,
                Bytes = full.Statistics.BytesSent + empty.Statistics.BytesSent,
                PeakMemoryBytes = memory.Peak,
                BaseMemoryBytes = memory.Base,
                BaselineSeconds = baseline,
                Ratio = watch.Elapsed.TotalSeconds / baseline,
                Converged = await full.GetHashAsync([]) == await empty.GetHashAsync([]),
                Note = $"typed table to typed table; baseline: raw SQLite inserting the rows into a wide 10-column table, one transaction, prepared statement; {memory.GcSummary}",
            };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Fills the source table in one transaction (setup, not measured).</summary>
    public static async Task FillAsync(TypedSqliteStore<WideRow> store, long rows)
    {
        var clock = new HybridLogicalClock("filler");
        await store.BeginWritesAsync();
        for (long row = 0; row < rows; row++)
        {
            for (var column = 0; column < 10; column++)
            {
                string[] address = [$"r{row}", $"c{column}"];
                await store.SetAtomAsync(address, $"value {row}-{column}");
                await store.SetTimestampAsync(address, clock.Next());
            }
        }

        await store.CommitWritesAsync();
    }
}
