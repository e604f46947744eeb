using Synclets.Connectors;

namespace Synclets.Tests.Scenarios;

/// <summary>What every store that collects tombstones must keep across a reopen: the horizon, and the deletion forgotten.</summary>
public static class TombstoneChecks
{
    /// <summary>A store opened on the same storage each call; disposing the handle closes it.</summary>
    public delegate Task<(IDataConnector Data, IMetaConnector Meta, IAsyncDisposable Handle)> OpenStore();

    /// <summary>
    /// Writes two rows of a depth-2 store (ids a typed table has), deletes one, collects it, closes
    /// the store; reopened, the horizon is still there, the kept row too, and nothing of the deleted
    /// one, hashes included (a fresh replica syncs to the same root hash).
    /// </summary>
    public static async Task Horizon_and_collection_survive_a_reopen(OpenStore open)
    {
        DateTimeOffset horizon, deleted;
        uint rootHash;
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-2));
        var (data, meta, handle) = await open();
        await using (handle)
        await using (var synclet = new Synclet(data, meta, new SyncletOptions { TimeProvider = clock }))
        {
            await synclet.SetAtomAsync(["a", "aa"], "deleted");
            await synclet.SetAtomAsync(["a", "ab"], "kept");
            await synclet.SetAtomAsync(["b", "aa"], "deleted too");
            await synclet.DeleteAtomAsync(["a", "aa"]);
            await synclet.DeleteAtomAsync(["b", "aa"]);
            deleted = clock.GetUtcNow();
            clock.Advance(TimeSpan.FromDays(1));
            horizon = clock.GetUtcNow();
            Assert.Equal(2, await synclet.CollectTombstonesAsync(horizon));
            Assert.Equal(0, await synclet.CollectTombstonesAsync(horizon));
            rootHash = await synclet.GetHashAsync([]);
        }

        (data, meta, handle) = await open();
        await using (handle)
        {
            // The horizon kept is just after the newest deletion forgotten (no later: nothing after it was forgotten).
            // Read before a synclet owns the connector: a synclet starts by reading the store on its
            // own work loop, and a connector serves one caller at a time (PostgreSQL's connection refuses two).
            Assert.Equal(deleted.ToUnixTimeMilliseconds() + 1, await ((ITombstoneCollector)meta).GetTombstoneHorizonAsync());
        }

        (data, meta, handle) = await open();
        await using (handle)
        await using (var synclet = new Synclet(data, meta))
        {
            Assert.True(deleted < horizon);
            Assert.Equal(string.Empty, await synclet.GetTimestampAsync(["a", "aa"]));
            Assert.Equal(string.Empty, await synclet.GetTimestampAsync(["b", "aa"]));
            Assert.Equal(["a"], await synclet.GetChildIdsAsync([]));
            Assert.Equal(rootHash, await synclet.GetHashAsync([]));
            var copy = new MemoryMetaConnector(2);
            await copy.SetTimestampAsync(["a", "ab"], await synclet.GetTimestampAsync(["a", "ab"]));
            Assert.Equal(await copy.GetHashAsync([]), rootHash);
        }
    }
}
