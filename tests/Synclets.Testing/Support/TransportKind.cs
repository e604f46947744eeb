using Synclets.Transports;

namespace Synclets.Tests.Support;

/// <summary>The in-process transports every scenario runs over.</summary>
public enum TransportKind
{
    Memory,
    Channel,

    /// <summary>A memory hub whose transports cut every message into fragments of 16 units, so reassembly is part of every scenario.</summary>
    MemoryFragmented,
}

public static class TransportKinds
{
    public static IEnumerable<TransportKind> All => Enum.GetValues<TransportKind>();

    public static PacketHub NewHub(this TransportKind kind) => kind switch
    {
        TransportKind.Channel => new ChannelPool(),
        _ => new MemoryPool(),
    };

    /// <summary>The options of each transport on the hub (null: the hub's default).</summary>
    public static TransportOptions? Options(this TransportKind kind) =>
        kind == TransportKind.MemoryFragmented ? new TransportOptions { FragmentSize = 16 } : null;
}
