using Synclets.Sqlite;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>A row of ten text columns, the shape of the wide-insert baseline.</summary>
[SyncTree(depth: 2, Naming = SyncNaming.CamelCase)]
public partial record WideRow(string Id, string C0, string C1, string C2, string C3, string C4, string C5, string C6, string C7, string C8, string C9);

/// <summary>Typed SQLite tables of <see cref="WideRow"/>, filled directly (setup, not measured).</summary>
internal static class TypedSqliteScenario
{
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
