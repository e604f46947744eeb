using CsCheck;
using Synclets.Tests.Support;

namespace Synclets.Tests.Model;

/// <summary>
/// Model-based tests: random sets, deletes, starts, stops, links and unlinks across 2 to 10
/// synclets in a pool, chain or ring; after healing every link and resyncing, every synclet must hold exactly what a
/// plain last-writer-wins model says. CsCheck prints the seed of any failure; pass it back to
/// <c>Sample</c> to replay it.
/// </summary>
public class LastWriterWinsModelTests
{
    private static readonly Gen<Scenario> Scenarios =
        from synclets in Gen.Int[2, 10]
        from depth in Gen.Int[1, 4]
        from topology in Gen.Enum<Topology>()
        from ops in Gen.Select(Gen.Int[0, 99], Gen.Int[0, 1000], Gen.Int[0, 1000]).Array[1, 40]
        from seed in Gen.Int
        select new Scenario(synclets, depth, topology, ops, seed);

    [Fact]
    public Task Everyone_converges_on_the_last_write()
        => Scenarios.SampleAsync(scenario => RunAsync(scenario, faulty: false), iter: 60, threads: 1, print: scenario => scenario.ToString());

    [Fact]
    public Task Everyone_converges_after_packets_are_dropped_duplicated_reordered_and_delayed()
        => Scenarios.SampleAsync(scenario => RunAsync(scenario, faulty: true), iter: 60, threads: 1, print: scenario => scenario.ToString());

    [Fact]
    public Task Change_feed_peers_and_plain_version_1_peers_converge_together_through_faults()
        => Scenarios.SampleAsync(scenario => RunAsync(scenario, faulty: true, mixed: true), iter: 60, threads: 1, print: scenario => scenario.ToString());

    /// <param name="scenario">The group and its operations.</param>
    /// <param name="faulty">Whether the links drop, duplicate, reorder and delay packets.</param>
    /// <param name="mixed">Whether every other synclet is a plain protocol version 1 peer (no change feed), as a JavaScript peer is.</param>
    private static async Task RunAsync(Scenario scenario, bool faulty, bool mixed = false)
    {
        var hubs = new List<LinkHub>();
        await using var group = new SyncGroup(
            scenario.Synclets,
            scenario.Depth,
            scenario.Topology,
            i =>
            {
                var hub = new LinkHub(scenario.Seed + i) { Faulty = faulty };
                hubs.Add(hub);
                return hub;
            },
            changeFeed: mixed ? i => i % 2 == 0 : null);
        var model = new Dictionary<string, (string[] Address, string? Value)>();
        var addresses = AllAddresses(scenario.Depth);
        await group.StartAllAsync();

        foreach (var (kind, a, b) in scenario.Ops)
        {
            group.Later();
            var synclet = group.Synclets[a % scenario.Synclets];
            var address = addresses[b % addresses.Count];
            var key = string.Join('/', address);
            switch (kind)
            {
                case < 45:
                    var value = $"v{a}-{b}";
                    await synclet.SetAtomAsync(address, value);
                    model[key] = (address, value);
                    break;
                case < 60:
                    await synclet.DeleteAtomAsync(address);
                    model[key] = (address, null);
                    break;
                case < 70:
                    await synclet.StartAsync();
                    break;
                case < 80:
                    await synclet.StopAsync();
                    break;
                case < 90:
                    hubs[b % hubs.Count].Linked = true;
                    break;
                default:
                    hubs[b % hubs.Count].Linked = false;
                    break;
            }
        }

        foreach (var hub in hubs)
        {
            hub.Heal();
        }

        foreach (var synclet in group.Synclets)
        {
            await synclet.StartAsync();
        }

        await group.SettleAsync();
        foreach (var synclet in group.Synclets)
        {
            await synclet.SyncAsync([]);
        }

        var expected = Trees.Of([.. model.Values.Where(entry => entry.Value is not null).Select(entry => (entry.Address, entry.Value!))]);
        await group.AssertEquivalentAsync(expected);
    }

    private static List<string[]> AllAddresses(int depth)
    {
        var addresses = new List<string[]> { Array.Empty<string>() };
        for (var level = 0; level < depth; level++)
        {
            addresses = [.. addresses.SelectMany(prefix => new[] { "a", "b", "c" }.Select(id => (string[])[.. prefix, id + level]))];
        }

        return addresses;
    }

    /// <summary>One random run: how many synclets, the depth, and the operations (kind 0-99, two arguments).</summary>
    public sealed record Scenario(int Synclets, int Depth, Topology Topology, (int Kind, int A, int B)[] Ops, int Seed)
    {
        public override string ToString() =>
            $"{Synclets} synclets in a {Topology}, depth {Depth}, seed {Seed}, ops [{string.Join(", ", Ops.Select(op => $"({op.Kind},{op.A},{op.B})"))}]";
    }
}
