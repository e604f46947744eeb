using Synclets.Connectors;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>A row of a typed SQLite table, synced through the reference's broker.</summary>
[SyncTree(depth: 2)]
public partial record Chore(string Id, string? Title, bool Done, double Minutes);

/// <summary>A .NET client on a typed SQLite table, through the reference's own broker and its store synclet.</summary>
public sealed class ReferenceTypedTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synclets-reference-typed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [ReferenceFact]
    public async Task A_typed_SQLite_client_syncs_rows_through_the_reference_broker_and_back_from_its_store()
    {
        await using var broker = NodeScript.StartWithReference("ws-broker.mjs", "2", "store");
        var listening = await broker.NextLineAsync();
        Assert.StartsWith("listening ", listening, StringComparison.Ordinal);
        var url = new Uri($"ws://127.0.0.1:{listening["listening ".Length..]}");

        // The typed client writes rows (one offline, before it connects), updates one and deletes one.
        var path = Path.Combine(_folder, "chores.db");
        var store = await TypedSqliteStore.OpenAsync<Chore>(path);
        var laptop = new Synclet(store, store, new WebSocketTransport(url), new SyncletOptions { Id = "laptop" });
        var chores = Chore.CreateStore(laptop);
        await chores.UpsertAsync(new Chore("c1", "Water the plants", false, 5));
        await laptop.StartAsync();
        await chores.UpsertManyAsync([new Chore("c2", "Bins out", true, 2.5), new Chore("c3", null, false, 0)]);
        await chores.UpsertAsync(new Chore("c1", "Water the plants", true, 5));
        await chores.DeleteAsync("c3");

        // A fresh typed client gets the rows. The laptop stays until it has them: its offline row
        // reaches the reference's store only once the store has answered its root hash, and a
        // JavaScript store never acknowledges, so leaving at its own idle could leave it behind
        // (this failed in CI).
        var fresh = await TypedSqliteStore.OpenAsync<Chore>(Path.Combine(_folder, "fresh.db"));
        var phone = new Synclet(fresh, fresh, new WebSocketTransport(url), new SyncletOptions { Id = "phone" });
        var phoneChores = Chore.CreateStore(phone);
        await phone.StartAsync();

        // Waits for the whole rows: the cells of one row may arrive in different messages, so a
        // row with its "done" already there could still lack its title (this once failed in CI).
        var expected = new[] { new Chore("c1", "Water the plants", true, 5), new Chore("c2", "Bins out", true, 2.5) };
        await SyncletData.HoldsAsync(
            phone,
            async () => (await phoneChores.ListAsync()).OrderBy(chore => chore.Id, StringComparer.Ordinal).SequenceEqual(expected),
            async () => $"the phone has {(await phone.GetDataAsync()).ToJsonString()}");
        Assert.Null(await phoneChores.GetAsync("c3"));
        var rows = await phone.GetDataAsync();
        foreach (var gone in new IAsyncDisposable[] { laptop, store, phone, fresh })
        {
            await gone.DisposeAsync();
        }

        // Both typed clients gone, the same rows come back from the reference's store alone, read
        // as the generic tree it holds.
        await using var generic = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(url), new SyncletOptions { Id = "generic" });
        await generic.StartAsync();
        await SyncletData.UntilAsync(generic, rows);
    }
}
