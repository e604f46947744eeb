using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>One synclet of a scenario, with memory storage that can be filled directly.</summary>
internal sealed class Replica : IAsyncDisposable
{
    private readonly MemoryDataConnector _data;
    private readonly MemoryMetaConnector _meta;

    public Replica(string id, int depth, Transport transport)
    {
        _data = new MemoryDataConnector(depth);
        _meta = new MemoryMetaConnector(depth);
        Synclet = new Synclet(_data, _meta, transport, new SyncletOptions { Id = id, MaxNodesPerMessage = NodesPerMessage });
    }

    public Synclet Synclet { get; }

    /// <summary>For experiments: SYNCLETS_NODES_PER_MESSAGE overrides the synclet's default batch size.</summary>
    private static int NodesPerMessage { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("SYNCLETS_NODES_PER_MESSAGE"), out var n) ? n : new SyncletOptions().MaxNodesPerMessage;

    /// <summary>Writes <paramref name="atoms"/> atoms straight into storage: rows of ten columns, spread over ten tables at depth 3.</summary>
    public async Task FillAsync(long atoms)
    {
        var clock = new HybridLogicalClock(Synclet.Id);
        var depth = Synclet.Depth;
        for (long i = 0; i < atoms; i++)
        {
            var address = AddressOf(i, depth);
            await _data.SetAtomAsync(address, i % 3 == 0 ? Atom.FromNumber(i) : Atom.FromString($"value {i}"));
            await _meta.SetTimestampAsync(address, clock.Next());
        }
    }

    public static string[] AddressOf(long atom, int depth)
    {
        var row = atom / 10;
        var column = $"c{atom % 10}";
        return depth switch
        {
            1 => [$"k{atom}"],
            2 => [$"r{row}", column],
            _ => [$"t{row % 10}", $"r{row / 10}", column, .. Enumerable.Repeat("x", depth - 3)],
        };
    }

    public ValueTask DisposeAsync() => Synclet.DisposeAsync();
}
