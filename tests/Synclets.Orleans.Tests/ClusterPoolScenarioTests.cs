namespace Synclets.Orleans.Tests;

/// <summary>
/// The N-way pool scenario of docs/scenarios.md with its members spread over three nodes: start
/// all; then for i = 1..N, member i sets A<i> at the address and every member must hold it before
/// the next step. In a relay room and in a store room (whose store must end with the members'
/// data), at depths 1 to 4, for N = 3 and 10. Waits on the members' change events.
/// </summary>
public sealed class ClusterPoolScenarioTests : IAsyncLifetime
{
    private readonly Dictionary<int, Cluster> _stored = [];
    private Cluster _relay = null!;

    public static TheoryData<bool, int, int> Cases()
    {
        var cases = new TheoryData<bool, int, int>();
        foreach (var stored in new[] { false, true })
        {
            foreach (var depth in new[] { 1, 2, 3, 4 })
            {
                foreach (var count in new[] { 3, 10 })
                {
                    cases.Add(stored, depth, count);
                }
            }
        }

        return cases;
    }

    public async Task InitializeAsync() => _relay = await Cluster.StartAsync(3);

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        foreach (var cluster in _stored.Values)
        {
            await cluster.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task N_way_pool_spread_over_three_nodes_converges_at_every_step(bool stored, int depth, int count)
    {
        var cluster = stored ? await StoredAsync(depth) : _relay;
        var room = "pool" + Guid.NewGuid().ToString("N")[..12];
        var members = new List<Synclet>();
        for (var i = 0; i < count; i++)
        {
            members.Add(await cluster.ClientAsync(room, depth, node: i % 3));
        }

        string[] address = [.. new[] { "a", "b", "c", "d" }.Take(depth)];
        for (var i = 0; i < count; i++)
        {
            var value = $"A{i + 1}";
            await members[i].SetAtomAsync(address, value);
            await Converged.UntilAsync(members, async () =>
            {
                foreach (var member in members)
                {
                    if (await member.GetAtomAsync(address) is not { Kind: AtomKind.String } atom || atom.AsString() != value)
                    {
                        return false;
                    }
                }

                return true;
            });
        }

        if (stored)
        {
            // The store holds what the members hold: a newcomer, once they are gone, gets it from the store alone.
            var expected = (await members[0].GetDataAsync()).ToJsonString();
            foreach (var member in members)
            {
                await member.StopAsync();
            }

            var newcomer = await cluster.ClientAsync(room, depth, node: 2);
            await newcomer.WhenSyncedAsync();
            Assert.Equal(expected, (await newcomer.GetDataAsync()).ToJsonString());
        }
    }

    private async Task<Cluster> StoredAsync(int depth)
    {
        if (!_stored.TryGetValue(depth, out var cluster))
        {
            cluster = await Cluster.StartAsync(3, stores: depth);
            _stored[depth] = cluster;
        }

        return cluster;
    }
}
