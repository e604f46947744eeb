namespace Synclets.Transports;

/// <summary>Limits and sizes of one transport. The defaults suit a trusted, in-process peer.</summary>
public sealed class TransportOptions
{
    /// <summary>
    /// The largest fragment in UTF-16 code units (the reference's default, 4096, is this class's;
    /// see <see cref="InProcess"/> and <see cref="Network"/>). Receivers accept fragments of any
    /// size up to their packet limit, so this is the sender's choice: every fragment is one more
    /// packet to copy, route and put back together.
    /// </summary>
    public int FragmentSize { get; init; } = 4096;

    /// <summary>The largest message, in UTF-16 code units, this transport reassembles; bigger ones are dropped.</summary>
    public int MaxMessageLength { get; init; } = 64 * 1024 * 1024;

    /// <summary>The most fragments one message may claim (bounds what a partial message can reserve).</summary>
    public int MaxFragmentsPerMessage { get; init; } = 1 << 16;

    /// <summary>How many partly received messages one peer may have at a time; the oldest is dropped beyond it.</summary>
    public int MaxPendingMessagesPerPeer { get; init; } = 64;

    /// <summary>How much text (UTF-16 units) one peer's partly received messages may hold together; the message that would pass it is dropped.</summary>
    public long MaxPendingLengthPerPeer { get; init; } = 64 * 1024 * 1024;

    /// <summary>How much text (UTF-16 units) all peers' partly received messages may hold together, unless <see cref="SharedBudget"/> is given.</summary>
    public long MaxPendingLength { get; init; } = 256 * 1024 * 1024;

    /// <summary>A budget of partly received text shared with other transports (a server's rooms); null for one of this transport's own, of <see cref="MaxPendingLength"/>.</summary>
    public ReassemblyBudget? SharedBudget { get; init; }

    /// <summary>How long a partly received message may wait for its missing fragments before it is dropped.</summary>
    public TimeSpan PendingMessageTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock that decides when a pending message is stale.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The defaults.</summary>
    public static TransportOptions Default { get; } = new();

    /// <summary>
    /// The default of in-process hubs (<see cref="MemoryPool"/>, <see cref="ChannelPool"/>): a
    /// message is one packet, since a packet in memory is a reference, and cutting a streamed
    /// reply of ~100 KB into 4096-unit fragments only copied it twice.
    /// </summary>
    public static TransportOptions InProcess { get; } = new() { FragmentSize = 1 << 20 };

    /// <summary>
    /// The default over WebSockets: fragments of 32 Ki units, so a streamed reply is a few frames,
    /// not dozens, and every packet stays under a broker's default limit of 64 Ki units.
    /// </summary>
    public static TransportOptions Network { get; } = new() { FragmentSize = 32 * 1024 };
}
