// Writes batches of 1,000 atoms, one transaction each, into the store at args[0], printing
// "committed N" after each, until killed. The crash test kills it mid-batch with SIGKILL.
using Synclets;
using Synclets.Sqlite;

await using var store = await SqliteStore.OpenAsync(args[0], depth: 2);
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
