// Writes batches, one unit of work (one transaction) each, into a PostgreSQL store in schema
// args[1] of the server at connection string args[0], printing "committed N" after each, until
// killed; the crash test kills it mid-batch with SIGKILL. The generic layout takes 1,000 atoms a
// batch; with args[2] "typed", typed tables of CrashRow take 100 new rows of 10 cells a batch,
// read ahead first as the engine does (so they go in by binary COPY).
using Synclets;
using Synclets.Connectors;
using Synclets.PostgreSql;
using Synclets.PostgreSql.CrashHelper;

var clock = new HybridLogicalClock("crash-helper");
var typed = args.Length > 2 && args[2] == "typed";
await using var generic = typed ? null : await PostgreSqlStore.OpenAsync(args[0], depth: 2, new PostgreSqlStoreOptions { Schema = args[1] });
await using var rows = typed ? await TypedPostgreSqlStore.OpenAsync<CrashRow>(args[0], new PostgreSqlStoreOptions { Schema = args[1] }) : null;
IDataConnector data = generic?.Data ?? (IDataConnector)rows!;
IMetaConnector meta = generic?.Meta ?? (IMetaConnector)rows!;
var units = new[] { (ITransactionalConnector)data, (ITransactionalConnector)meta };
var (rowsPerBatch, cellsPerRow) = typed ? (100, 10) : (1, 1000);
for (var batch = 0; ; batch++)
{
    var ids = Enumerable.Range(0, rowsPerBatch).Select(row => $"r{batch}-{row}").ToArray();
    foreach (var unit in units)
    {
        await unit.BeginWritesAsync();
    }

    if (meta is ITimestampPrefetch prefetch)
    {
        await prefetch.PrefetchChildTimestampsAsync([], ids);
    }

    foreach (var id in ids)
    {
        for (var i = 0; i < cellsPerRow; i++)
        {
            string[] address = [id, $"c{i}"];
            await data.SetAtomAsync(address, $"value {batch}-{i}");
            await meta.SetTimestampAsync(address, clock.Next());
        }
    }

    foreach (var unit in units)
    {
        await unit.CommitWritesAsync();
    }

    Console.WriteLine($"committed {batch + 1}");
}

namespace Synclets.PostgreSql.CrashHelper
{
    /// <summary>The typed tables' row: ten text cells.</summary>
    [SyncTree(depth: 2)]
    public partial record CrashRow(string Id, string? c0, string? c1, string? c2, string? c3, string? c4, string? c5, string? c6, string? c7, string? c8, string? c9);
}
