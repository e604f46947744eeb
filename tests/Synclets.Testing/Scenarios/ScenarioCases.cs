using Synclets.Tests.Support;

namespace Synclets.Tests.Scenarios;

/// <summary>The parameter grids of docs/scenarios.md.</summary>
public static class ScenarioCases
{
    public static TheoryData<int, TransportKind> DepthsAndTransports()
    {
        var data = new TheoryData<int, TransportKind>();
        foreach (var depth in Addresses.Depths)
        {
            foreach (var kind in TransportKinds.All)
            {
                data.Add(depth, kind);
            }
        }

        return data;
    }

    public static TheoryData<int, TransportKind> DeepDepthsAndTransports()
    {
        var data = new TheoryData<int, TransportKind>();
        foreach (var depth in Addresses.Depths.Where(depth => depth >= 2))
        {
            foreach (var kind in TransportKinds.All)
            {
                data.Add(depth, kind);
            }
        }

        return data;
    }

    public static TheoryData<int> Depths() => [.. Addresses.Depths];

    public static TheoryData<int> DeepDepths() => [.. Addresses.Depths.Where(depth => depth >= 2)];

    public static TheoryData<int, int> NWayPool()
    {
        var data = new TheoryData<int, int>();
        foreach (var count in new[] { 3, 10 })
        {
            foreach (var depth in Addresses.Depths)
            {
                data.Add(count, depth);
            }
        }

        return data;
    }

    public static TheoryData<int, Topology, int, TransportKind> NWay()
    {
        var data = new TheoryData<int, Topology, int, TransportKind>();
        foreach (var count in new[] { 3, 10 })
        {
            foreach (var topology in Enum.GetValues<Topology>())
            {
                foreach (var depth in Addresses.Depths)
                {
                    foreach (var kind in TransportKinds.All)
                    {
                        data.Add(count, topology, depth, kind);
                    }
                }
            }
        }

        return data;
    }
}
