using Synclets.Connectors;
using Synclets.Protocol;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Tests.Engine;

/// <summary>What a sync costs in messages and bytes, counted through an observer.</summary>
public class EfficiencyTests
{
    [Fact]
    public async Task One_change_among_many_atoms_reaches_a_peer_in_one_small_message()
    {
        var counter = new CountingHooks();
        await using var group = new SyncGroup(2, 2, Topology.Pool, _ => new MemoryPool(), hooks: counter);
        for (var row = 0; row < 1000; row++)
        {
            await group[1].SetAtomAsync([$"r{row}", "c"], row);
        }

        await group.StartAllAsync();
        await group.AssertEquivalentAsync();
        counter.Reset();

        await group[1].SetAtomAsync(["r500", "c"], "changed");
        await group.AssertEquivalentAsync();

        Assert.InRange(counter.Messages, 1, 3);
        Assert.InRange(counter.Bytes, 1, 1024);
    }

    [Fact]
    public async Task A_big_reply_streams_as_several_partial_messages_and_converges()
    {
        var counter = new CountingHooks();
        var pool = new MemoryPool();
        var options = new SyncletOptions { Id = "full", MaxNodesPerMessage = 100, Hooks = counter };
        await using var full = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), options);
        await using var empty = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), new SyncletOptions { Id = "empty", MaxNodesPerMessage = 100 });
        for (var i = 0; i < 2000; i++)
        {
            await full.SetAtomAsync([$"t{i % 3}", $"r{i / 10}", $"c{i % 10}"], i);
        }

        await full.StartAsync();
        counter.Reset();
        await empty.StartAsync();
        await Quiescence.WaitAsync(full, empty, pool);

        Assert.Equal((await full.GetDataAsync()).ToJsonString(), (await empty.GetDataAsync()).ToJsonString());
        Assert.Equal((await full.GetMetaAsync()).ToJsonString(), (await empty.GetMetaAsync()).ToJsonString());
        Assert.True(counter.Messages >= 20, $"expected the 2000 atoms in batches of at most 100 nodes, got {counter.Messages} messages");
        Assert.True(counter.LargestNodeCount <= 100, $"a message held {counter.LargestNodeCount} nodes");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Peers_whose_listings_take_several_messages_still_exchange_what_only_one_of_them_has(int depth)
    {
        // Each has rows the other lacks, more than a message holds (in one table at depth 3): the
        // listings both ways are split into partial messages, which cannot say "I have no more".
        string[] table = depth == 3 ? ["t"] : [];
        var pool = new MemoryPool();
        await using var one = new Synclet(new MemoryDataConnector(depth), new MemoryMetaConnector(depth), pool.CreateTransport(), new SyncletOptions { Id = "one", MaxNodesPerMessage = 7 });
        await using var two = new Synclet(new MemoryDataConnector(depth), new MemoryMetaConnector(depth), pool.CreateTransport(), new SyncletOptions { Id = "two", MaxNodesPerMessage = 7 });
        for (var row = 0; row < 20; row++)
        {
            await one.SetAtomAsync([.. table, $"a{row}", "c"], row);
            await two.SetAtomAsync([.. table, $"b{row}", "c"], row);
        }

        await one.StartAsync();
        await two.StartAsync();
        await Quiescence.WaitAsync(one, two, pool);

        Assert.Equal((await one.GetDataAsync()).ToJsonString(), (await two.GetDataAsync()).ToJsonString());
        Assert.Equal((await one.GetMetaAsync()).ToJsonString(), (await two.GetMetaAsync()).ToJsonString());
    }

    [Fact]
    public async Task A_listing_in_several_messages_is_completed_by_a_hash_not_answered_with_another_listing()
    {
        var counter = new CountingHooks();
        var pool = new MemoryPool();
        await using var one = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "one", MaxNodesPerMessage = 7, Hooks = counter });
        await using var two = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), pool.CreateTransport(), new SyncletOptions { Id = "two", MaxNodesPerMessage = 7, Hooks = counter });
        for (var row = 0; row < 100; row++)
        {
            await one.SetAtomAsync([$"r{row}", "c"], row);
        }

        await one.StartAsync();
        await two.StartAsync();
        await Quiescence.WaitAsync(one, two, pool);
        await two.StopAsync();
        await one.SetAtomAsync(["r50", "c"], "changed while two was away");
        await two.SetAtomAsync(["new", "c"], "made while away");
        counter.Reset();

        await two.StartAsync();
        await Quiescence.WaitAsync(one, two, pool);

        Assert.Equal((await one.GetDataAsync()).ToJsonString(), (await two.GetDataAsync()).ToJsonString());
        // One listing of its 100 rows answers two's hash; its follow-up hash is not answered with a second listing.
        Assert.InRange(counter.HashesListed, 100, 130);
    }

    [Fact]
    public async Task Stored_hashes_match_hashes_recomputed_from_every_timestamp()
    {
        var meta = new MemoryMetaConnector(3);
        var plain = new PlainMeta(3);
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            string[] address = [$"t{random.Next(3)}", $"r{random.Next(20)}", $"c{random.Next(5)}"];
            var timestamp = Timestamp.Encode(1_000_000 + i, 0, 1);
            await meta.SetTimestampAsync(address, timestamp);
            await plain.SetTimestampAsync(address, timestamp);
        }

        await using var stored = new Synclet(new MemoryDataConnector(3), meta);
        await using var computed = new Synclet(new MemoryDataConnector(3), plain);
        foreach (var address in new[] { Array.Empty<string>(), ["t0"], ["t1", "r3"] })
        {
            Assert.Equal(await computed.GetHashAsync(address), await stored.GetHashAsync(address));
        }

        Assert.NotEqual(0u, await stored.GetHashAsync([]));
    }

    /// <summary>A meta connector with only the three required methods, so the engine computes hashes itself.</summary>
    private sealed class PlainMeta(int depth) : IMetaConnector
    {
        private readonly MemoryMetaConnector _inner = new(depth);

        public int Depth => depth;

        public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => _inner.GetChildIdsAsync(address, cancellationToken);

        public ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => _inner.GetTimestampAsync(address, cancellationToken);

        public ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default) => _inner.SetTimestampAsync(address, timestamp, cancellationToken);
    }
}

/// <summary>Counts the messages and bytes synclets send.</summary>
public sealed class CountingHooks : SyncletHooks
{
    private int _messages;
    private long _bytes;
    private int _largest;
    private int _hashesListed;

    public int Messages => _messages;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int LargestNodeCount => _largest;

    /// <summary>How many children were named by hash in the messages sent (listings of parents).</summary>
    public int HashesListed => _hashesListed;

    public void Reset()
    {
        _messages = 0;
        _bytes = 0;
        _largest = 0;
        _hashesListed = 0;
    }

    public override void OnSendMessage(Message message, string recipient)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, System.Text.Encoding.UTF8.GetByteCount(MessageWriter.Write(message)));
        Interlocked.Add(ref _hashesListed, CountHashes(message.Node));
        var count = Count(message.Node);
        if (count > _largest)
        {
            _largest = count;
        }
    }

    private static int Count(Node node) => node is SubNodesNode list ? list.Children.Values.Sum(Count) : 1;

    private static int CountHashes(Node node) =>
        node is SubNodesNode list ? list.Children.Values.Sum(child => child is HashNode ? 1 : CountHashes(child)) : 0;
}
