// Writes batches of 1,000 atoms, one unit of work (one transaction) each, into the PostgreSQL store
// in schema args[1] of the server at connection string args[0], printing "committed N" after each,
// until killed. The crash test kills it mid-batch with SIGKILL.
using Synclets;
using Synclets.PostgreSql;

await using var store = await PostgreSqlStore.OpenAsync(args[0], depth: 2, new PostgreSqlStoreOptions { Schema = args[1] });
var clock = new HybridLogicalClock("crash-helper");
for (var batch = 0; ; batch++)
{
    await store.Data.BeginWritesAsync();
    await store.Meta.BeginWritesAsync();
    for (var i = 0; i < 1000; i++)
    {
        string[] address = [$"r{batch}", $"c{i}"];
        await store.Data.SetAtomAsync(address, $"value {batch}-{i}");
        await store.Meta.SetTimestampAsync(address, clock.Next());
    }

    await store.Data.CommitWritesAsync();
    await store.Meta.CommitWritesAsync();
    Console.WriteLine($"committed {batch + 1}");
}
