using System.Diagnostics;
using System.Globalization;
using Synclets.Connectors;
using Synclets.Sqlite;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>A row record with an index, for the query scenarios.</summary>
[SyncTree(depth: 2)]
[SyncIndex(nameof(Done), nameof(Priority))]
public partial record Listing(string Id, string Title, bool Done, int Priority, double Score);

/// <summary>
/// Queries on a typed table of 10,000 rows, on typed SQLite (SQL on its index) and in memory:
/// a page (open rows, most urgent first, 20 of them) and a large unindexed result (every open row,
/// ordered by a column no index covers). Each figure is the mean of 100 queries after a first one.
/// </summary>
internal static class QueryScenarios
{
    private const int Repeats = 100;

    public static async Task<ScenarioResult> RunAsync(string operation, string store, int rows)
    {
        var folder = Directory.CreateTempSubdirectory("synclets-query-");
        try
        {
            await using var typed = store == "sqlite-typed" ? await TypedSqliteStore.OpenAsync<Listing>(Path.Combine(folder.FullName, "table.db")) : null;
            await using var synclet = typed is null ? new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2)) : new Synclet(typed, typed);
            var table = Listing.CreateStore(synclet);
            await table.UpsertManyAsync(Enumerable.Range(0, rows).Select(i => new Listing($"r{i:D5}", $"title {i}", i % 4 == 0, i % 10, (i * 7919 % rows) / 10.0))); // Setup, not measured.
            var query = operation == "table-query-page"
                ? table.Query().Where(ListingColumns.Done.EqualTo(false)).OrderByDescending(ListingColumns.Priority).Take(20)
                : table.Query().Where(ListingColumns.Done.EqualTo(false)).OrderBy(ListingColumns.Score);

            var first = Stopwatch.StartNew();
            var expected = (await query.ToListAsync()).Count;
            first.Stop();
            using var memory = new MemorySampler();
            var watch = Stopwatch.StartNew();
            var converged = true;
            for (var i = 0; i < Repeats; i++)
            {
                converged &= (await query.ToListAsync()).Count == expected;
            }

            watch.Stop();
            return new ScenarioResult
            {
                Scenario = operation,
                Store = store,
                Transport = "none",
                Depth = 2,
                Atoms = rows * 4L,
                Seconds = watch.Elapsed.TotalSeconds / Repeats,
                Messages = 0,
                Bytes = 0,
                PeakMemoryBytes = memory.Peak,
                BaseMemoryBytes = memory.Base,
                Converged = converged && expected == (operation == "table-query-page" ? 20 : rows * 3 / 4),
                Note = $"{expected} rows; mean of {Repeats} queries; the first {first.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms",
            };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
