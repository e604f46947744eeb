using System.Diagnostics;
using Synclets.Sqlite;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// What an app does with a typed table on SQLite, 10,000 rows of ten text columns: upsert them
/// in bulk (one unit of work), list them (one piece of work), and upsert them one at a time.
/// </summary>
internal static class TypedTableScenarios
{
    public static async Task<ScenarioResult> RunAsync(string operation, int rows)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-table-");
        try
        {
            await using var store = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(folder.FullName, "table.db"));
            await using var synclet = new Synclet(store, store, new SyncletOptions { Id = "app" });
            var table = WideRow.CreateStore(synclet);
            var data = Enumerable.Range(0, rows).Select(i => new WideRow($"r{i}", $"a{i}", $"b{i}", $"c{i}", $"d{i}", $"e{i}", $"f{i}", $"g{i}", $"h{i}", $"i{i}", $"j{i}")).ToList();
            if (operation != "table-upsert-many")
            {
                await table.UpsertManyAsync(data); // Setup, not measured.
            }

            using var memory = new MemorySampler();
            var watch = Stopwatch.StartNew();
            var count = operation switch
            {
                "table-upsert-many" => await table.UpsertManyAsync(data) / 10,
                "table-list" => (await table.ListAsync()).Count,
                _ => await UpsertOneByOneAsync(table, data),
            };
            watch.Stop();
            return new ScenarioResult
            {
                Scenario = operation,
                Store = "sqlite-typed",
                Transport = "none",
                Depth = 2,
                Atoms = rows * 10L,
                Seconds = watch.Elapsed.TotalSeconds,
                Messages = synclet.Statistics.MessagesSent,
                Bytes = synclet.Statistics.BytesSent,
                PeakMemoryBytes = memory.Peak,
                BaseMemoryBytes = memory.Base,
                Converged = count == rows,
                Note = memory.GcSummary,
            };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Each row changed in one cell and upserted on its own: a read and a write a row.</summary>
    private static async Task<int> UpsertOneByOneAsync(SyncTable<WideRow> table, List<WideRow> data)
    {
        var written = 0;
        foreach (var row in data)
        {
            written += await table.UpsertAsync(row with { C0 = row.C0 + "!" });
        }

        return written;
    }
}
