using System.Collections.Concurrent;
using Synclets.Connectors;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Tests.Engine;

/// <summary>
/// The change feed (docs/concepts.md, "Reconnects that cost what changed"): a reconnect moves what
/// changed, a first sync cut half way resumes, progress is told, and every case the log cannot
/// vouch for falls back to comparing hashes.
/// </summary>
public class ChangeFeedTests
{
    [Theory]
    [InlineData(1_000)]
    [InlineData(10_000)]
    public async Task A_reconnect_after_ten_changes_moves_what_changed_whatever_the_size(int rows)
    {
        var withFeed = await ReconnectBytesAsync(rows, changeFeed: true);
        var plain = await ReconnectBytesAsync(rows, changeFeed: false);

        Assert.InRange(withFeed, 1, 8 * 1024); // Ten rows of ten cells, and a few root hashes.
        Assert.True(plain > 4 * withFeed, $"protocol version 1 alone moved {plain} bytes, the feed {withFeed}");
    }

    [Fact]
    public async Task A_reconnect_costs_the_same_bytes_among_ten_times_the_atoms()
    {
        var small = await ReconnectBytesAsync(1_000, changeFeed: true);
        var large = await ReconnectBytesAsync(10_000, changeFeed: true);

        // Only the ids and numbers grow a digit (r900 against r9000): the same messages, nothing listed.
        Assert.InRange(large, small * 0.9, small * 1.15);
    }

    [Fact]
    public async Task Changes_made_on_both_sides_while_apart_meet_on_reconnect()
    {
        await using var group = await SyncedPairAsync(rows: 2_000);
        await group[2].StopAsync();
        for (var i = 0; i < 5; i++)
        {
            group.Later();
            await group[1].SetAtomAsync([$"r{i * 300}", "c1"], $"from one {i}");
            await group[2].SetAtomAsync([$"r{(i * 300) + 1}", "c2"], $"from two {i}");
        }

        await group[2].SetAtomAsync(["r0", "c1"], "both wrote r0/c1; this is later");
        var before = BytesSent(group);
        await group[2].StartAsync();
        await group.AssertEquivalentAsync();

        Assert.Equal("both wrote r0/c1; this is later", (await group[1].GetAtomAsync(["r0", "c1"])).AsString());
        Assert.InRange(BytesSent(group) - before, 1, 16 * 1024);
    }

    [Fact]
    public async Task A_chain_feeds_on_what_its_middle_applied()
    {
        await using var group = new SyncGroup(3, 2, Topology.Chain, _ => new MemoryPool());
        await FillAsync(group[1], rows: 2_000);
        await group.StartAllAsync();
        await group.AssertEquivalentAsync();

        // The end of the chain heard the rows as the middle passed them on, not as a feed of the
        // middle's log: an acknowledgement (as an app's status monitor asks after every change)
        // is where it learns how far that log it holds.
        await group[3].WhenSyncedAsync();
        await group[3].StopAsync();
        for (var i = 0; i < 10; i++)
        {
            group.Later();
            await group[1].SetAtomAsync([$"r{i * 100}", "c3"], $"changed {i}");
        }

        await group.SettleAsync();
        var before = BytesSent(group);
        await group[3].StartAsync();
        await group.AssertEquivalentAsync();

        Assert.InRange(BytesSent(group) - before, 1, 8 * 1024);
    }

    [Fact]
    public async Task Feed_peers_and_plain_version_1_peers_in_one_pool_converge_after_reconnects()
    {
        await using var group = new SyncGroup(5, 3, Topology.Pool, _ => new MemoryPool(), changeFeed: i => i % 2 == 0);
        await group.StartAllAsync();
        for (var round = 0; round < 3; round++)
        {
            foreach (var member in group.Synclets)
            {
                await member.StopAsync();
                group.Later();
                await group.Synclets[(round + 1) % 5].SetAtomAsync(["t", $"r{round}", member.Id], $"round {round}");
                await member.SetAtomAsync(["t", member.Id, $"c{round}"], round);
                await member.StartAsync();
            }
        }

        await group.AssertEquivalentAsync();
        Assert.Equal(3 * 5 * 2, (await group[1].GetDataAsync())["t"]!.AsObject().Sum(row => row.Value!.AsObject().Count));
    }

    [Fact]
    public async Task A_first_sync_tells_its_progress_in_order_and_ends_at_the_total()
    {
        var pool = new MemoryPool();
        await using var full = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "full", MaxNodesPerMessage = 500 });
        await using var empty = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "empty" });
        await FillAsync(full, rows: 1_000);
        var reports = new ConcurrentQueue<SyncProgressEventArgs>();
        empty.Progress += (_, progress) => reports.Enqueue(progress);

        await full.StartAsync();
        await empty.StartAsync();
        await Quiescence.WaitAsync(full, empty, pool);

        var all = reports.ToArray();
        Assert.True(all.Length >= 20, $"{all.Length} reports for 10,000 atoms in batches of 500");
        Assert.All(all, report => Assert.Equal(10_000, report.Expected));
        Assert.Equal(all.Select(report => report.Received).Order(), all.Select(report => report.Received));
        Assert.Equal(all.Length - 1, all.Count(report => !report.Completed));
        Assert.True(all[^1].Completed);
        Assert.Equal(10_000, all[^1].Received);
        Assert.Equal(1.0, all[^1].Fraction);
        Assert.Equal(await full.GetHashAsync([]), await empty.GetHashAsync([]));
    }

    [Fact]
    public async Task A_first_sync_cut_half_way_resumes_where_it_was_cut()
    {
        var pool = new CuttingPool();
        await using var full = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "full", MaxNodesPerMessage = 500 });
        var emptyTransport = pool.CreateTransport();
        await using var empty = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), emptyTransport, new SyncletOptions { Id = "empty" });
        await FillAsync(full, rows: 2_000);
        await full.StartAsync();
        pool.CutAfter(batches: 20); // Half of the 20,000 atoms, in batches of 500; then the connection drops.
        await empty.StartAsync();
        await Quiescence.WaitAsync(full, empty, pool);
        var kept = (await empty.GetDataAsync()).Sum(row => row.Value!.AsObject().Count);
        Assert.InRange(kept, 10_000, 15_000);

        await empty.StopAsync();
        pool.Mend();
        var received = empty.Statistics.BytesReceived;
        var sent = full.Statistics.BytesSent;
        await empty.StartAsync();
        await Quiescence.WaitAsync(full, empty, pool);

        Assert.Equal(await full.GetHashAsync([]), await empty.GetHashAsync([]));
        var resumed = empty.Statistics.BytesReceived - received;
        var firstAttempt = received;
        Assert.True(resumed < firstAttempt * 1.2, $"the second attempt received {resumed} bytes, the first {firstAttempt} (half of the store)");
        Assert.True(full.Statistics.BytesSent - sent < sent * 0.6, "the second attempt sent the rest, not everything");
    }

    [Fact]
    public async Task A_replaced_store_syncs_by_hashes_and_then_by_feed_again()
    {
        var pool = new MemoryPool();
        await using var server = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "server" });
        await FillAsync(server, rows: 500);
        await server.StartAsync();
        var firstStore = (new MemoryDataConnector(2), new MemoryMetaConnector(2));
        await using (var client = new Synclet(firstStore.Item1, firstStore.Item2, pool.CreateTransport(), new SyncletOptions { Id = "client" }))
        {
            await client.StartAsync();
            await Quiescence.WaitAsync(server, client, pool);
        }

        // A new store under the same synclet id, holding one row of its own: the server's log is
        // unknown to it, and its hash is not 0, so only hashes can say what differs.
        var replaced = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "client" });
        await using (replaced)
        {
            var reports = 0;
            replaced.Progress += (_, _) => Interlocked.Increment(ref reports);
            await replaced.SetAtomAsync(["own", "c"], "kept");
            await replaced.StartAsync();
            await Quiescence.WaitAsync(server, replaced, pool);
            Assert.Equal(await server.GetHashAsync([]), await replaced.GetHashAsync([]));
            Assert.Equal(0, reports);

            // Synced once, the next reconnect is a feed.
            await replaced.StopAsync();
            await server.SetAtomAsync(["r1", "c1"], "changed");
            var before = server.Statistics.BytesSent;
            await replaced.StartAsync();
            await Quiescence.WaitAsync(server, replaced, pool);
            Assert.Equal("changed", (await replaced.GetAtomAsync(["r1", "c1"])).AsString());
            Assert.InRange(server.Statistics.BytesSent - before, 1, 4 * 1024);
        }
    }

    [Fact]
    public async Task A_peer_away_longer_than_the_log_reaches_syncs_by_hashes()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-3));
        var pool = new MemoryPool();
        await using var server = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "server", TimeProvider = clock });
        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "client", TimeProvider = clock });
        await FillAsync(server, rows: 200);
        await server.StartAsync();
        await client.StartAsync();
        await Quiescence.WaitAsync(server, client, pool);

        await client.StopAsync();
        await server.DeleteAtomAsync(["r0", "c0"]);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await server.CollectTombstonesAsync(clock.GetUtcNow())); // The log can no longer replay what the client saw.
        await server.SetAtomAsync(["r5", "c5"], "after the collection");
        var reports = 0;
        client.Progress += (_, _) => Interlocked.Increment(ref reports);
        await client.StartAsync();
        await Quiescence.WaitAsync(server, client, pool);

        Assert.Equal(0, reports);
        Assert.Equal("after the collection", (await client.GetAtomAsync(["r5", "c5"])).AsString());
    }

    [Fact]
    public async Task A_peer_announcing_made_up_logs_cannot_grow_our_checkpoints_and_a_malformed_position_is_ignored()
    {
        var meta = new MemoryMetaConnector(2);
        var transport = new ScriptedTransport();
        await using var synclet = new Synclet(new MemoryDataConnector(2), meta, transport, new SyncletOptions { Id = "server" });
        await synclet.StartAsync();
        for (var i = 0; i < 50; i++)
        {
            // Each a root hash equal to ours (0: empty) from a "new" log: the kind that records a checkpoint.
            transport.InjectMessage("hostile", $"[1,0,2,[],0,{{\"\uFFFAlog\":\"made{i:D2}up{i:D4}:{i}\"}}]");
        }

        transport.InjectMessage("hostile", "[1,0,2,[],0,{\"\uFFFAlog\":\"not an epoch:5\"}]");
        transport.InjectMessage("hostile", "[1,0,2,[],0,{\"\uFFFAlog\":\"" + new string('a', 500) + ":5\"}]");
        await synclet.WhenIdleAsync();

        Assert.Equal(2, (await meta.GetCheckpointsAsync()).Count);
        Assert.DoesNotContain((await meta.GetCheckpointsAsync()).Keys, epoch => epoch.Length > 12);
    }

    private static async Task<long> ReconnectBytesAsync(int rows, bool changeFeed)
    {
        await using var group = await SyncedPairAsync(rows, changeFeed);
        await group[2].StopAsync();
        for (var i = 0; i < 10; i++)
        {
            group.Later();
            await group[1].SetAtomAsync([$"r{i * (rows / 10)}", "c0"], $"changed {i}");
        }

        var before = BytesSent(group);
        await group[2].StartAsync();
        await group.AssertEquivalentAsync();
        return BytesSent(group) - before;
    }

    /// <summary>Two synclets in a pool, the first filled with rows of ten cells and synced to the second.</summary>
    private static async Task<SyncGroup> SyncedPairAsync(int rows, bool changeFeed = true)
    {
        var group = new SyncGroup(2, 2, Topology.Pool, _ => new MemoryPool(), changeFeed: _ => changeFeed);
        await FillAsync(group[1], rows);
        await group.StartAllAsync();
        await group.AssertEquivalentAsync();
        return group;
    }

    private static async Task FillAsync(Synclet synclet, int rows)
    {
        for (var row = 0; row < rows; row++)
        {
            await synclet.SetAtomsAsync([$"r{row}"], Enumerable.Range(0, 10).Select(column => KeyValuePair.Create($"c{column}", Atom.FromNumber((row * 10) + column))));
        }
    }

    private static long BytesSent(SyncGroup group) => group.Synclets.Sum(synclet => synclet.Statistics.BytesSent);
}
