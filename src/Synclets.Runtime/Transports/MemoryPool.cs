using System.Collections.Concurrent;

namespace Synclets.Transports;

/// <summary>
/// An in-process hub that delivers each packet straight to the receiving transport, which only
/// enqueues it for its synclet: sending never waits for the receiver to process.
/// </summary>
/// <example>
/// <code>
/// var pool = MemoryPool.Named("todos");
/// var synclet = new Synclet(data, meta, pool.CreateTransport());
/// </code>
/// </example>
public sealed class MemoryPool : PacketHub
{
    private static readonly ConcurrentDictionary<string, MemoryPool> NamedPools = new(StringComparer.Ordinal);

    /// <summary>The process-wide pool with this name, created on first use.</summary>
    public static MemoryPool Named(string name) => NamedPools.GetOrAdd(name, static _ => new MemoryPool());

    /// <inheritdoc/>
    protected override void Deliver(IHubMember member, string packet)
    {
        InFlight.Enter();
        try
        {
            member.Receive(packet);
        }
        finally
        {
            InFlight.Exit();
        }
    }
}
