using Synclets.Transports;

namespace Synclets.Tests.Support;

/// <summary>The in-process transports every scenario runs over.</summary>
public enum TransportKind
{
    Memory,
    Channel,
}

public static class TransportKinds
{
    public static IEnumerable<TransportKind> All => Enum.GetValues<TransportKind>();

    public static PacketHub NewHub(this TransportKind kind) => kind switch
    {
        TransportKind.Memory => new MemoryPool(),
        _ => new ChannelPool(),
    };
}
