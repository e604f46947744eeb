using Microsoft.Extensions.Logging;

namespace Synclets;

/// <summary>Every log line of the runtime, source-generated so a disabled level costs nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Synclet {SyncletId} dropped a packet from {Peer}: {Reason}.")]
    public static partial void DroppedPacket(ILogger logger, string syncletId, string peer, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Synclet {SyncletId} dropped a message from {Peer}: {Reason}")]
    public static partial void DroppedMessage(ILogger logger, string syncletId, string peer, string reason);

    [LoggerMessage(3, LogLevel.Error, "Synclet {SyncletId} failed while handling a message from {Peer}; a later sync will retry it.")]
    public static partial void HandlingFailed(ILogger logger, Exception exception, string syncletId, string peer);

    [LoggerMessage(4, LogLevel.Information, "Synclet {SyncletId} started with {TransportCount} transport(s).")]
    public static partial void Started(ILogger logger, string syncletId, int transportCount);

    [LoggerMessage(5, LogLevel.Information, "Synclet {SyncletId} stopped.")]
    public static partial void Stopped(ILogger logger, string syncletId);

    [LoggerMessage(6, LogLevel.Debug, "Synclet {SyncletId} ignored a duplicate fragment {Index} of message {MessageId} from {Peer}.")]
    public static partial void DuplicateFragment(ILogger logger, string syncletId, int index, string messageId, string peer);

    [LoggerMessage(7, LogLevel.Warning, "Synclet {SyncletId} could not send to its transport {Transport}; a later sync will retry.")]
    public static partial void SendFailed(ILogger logger, Exception exception, string syncletId, string transport);

    [LoggerMessage(8, LogLevel.Warning, "Synclet {SyncletId} refused {Count} atom(s) from {Peer} stamped too far in the future (the first {Timestamp}, beyond now plus the {MaxDrift} drift bound): is that peer's clock wrong?")]
    public static partial void RefusedFutureTimestamps(ILogger logger, string syncletId, string peer, int count, string timestamp, TimeSpan maxDrift);

    [LoggerMessage(9, LogLevel.Warning, "Synclet {SyncletId}'s store holds a timestamp ({Timestamp}) beyond now plus the {MaxDrift} drift bound, and its clock starts after it, so that new writes win over old ones; peers refuse what it stamps until their clocks reach it. Was this machine's clock ahead when it was written?")]
    public static partial void StoredTimestampAhead(ILogger logger, string syncletId, string timestamp, TimeSpan maxDrift);

    [LoggerMessage(11, LogLevel.Warning, "Synclet {SyncletId} refused {Count} atom(s) from {Peer} that its storage cannot keep, and kept the rest of the message; the first: {Reason}")]
    public static partial void RefusedUnstorable(ILogger logger, string syncletId, string peer, int count, string reason);

    [LoggerMessage(12, LogLevel.Warning, "Synclet {SyncletId} refused {Count} write(s) from {Peer} by its hooks (the first at {Address}); the writer hears of it in its next acknowledgement.")]
    public static partial void RefusedByHooks(ILogger logger, string syncletId, int count, string peer, string address);

    [LoggerMessage(13, LogLevel.Warning, "Synclet {SyncletId}: {Peer} refused {Count} of its write(s): {Reason}")]
    public static partial void WritesRefused(ILogger logger, string syncletId, string peer, int count, string reason);

    [LoggerMessage(16, LogLevel.Warning, "Synclet {SyncletId}: {Peer} could not apply {Count} of its message(s) (its store failed); it syncs again before taking them as stored.")]
    public static partial void AcknowledgedWithFailures(ILogger logger, string syncletId, string peer, int count);

    [LoggerMessage(14, LogLevel.Debug, "Synclet {SyncletId} handles a message of {Length} characters from {Peer}.")]
    public static partial void Receiving(ILogger logger, string syncletId, string peer, int length);

    [LoggerMessage(15, LogLevel.Trace, "Synclet {SyncletId} sends a message of {Length} characters to {Peer} over {Transport}.")]
    public static partial void Sending(ILogger logger, string syncletId, string peer, int length, string transport);

    [LoggerMessage(17, LogLevel.Warning, "Synclet {SyncletId} refused {Count} write(s) from {Peer} of atoms it does not have, stamped before its tombstone horizon (the first at {Address}): they may be rows deleted and forgotten here. The writer was away longer than deletions are kept; it hears of it in its next acknowledgement and must rejoin (docs/concepts.md, \"Tombstones\").")]
    public static partial void RefusedBeforeHorizon(ILogger logger, string syncletId, string peer, int count, string address);

    [LoggerMessage(18, LogLevel.Information, "Synclet {SyncletId} collected {Count} tombstone(s) stamped before {Horizon:o}.")]
    public static partial void CollectedTombstones(ILogger logger, string syncletId, long count, DateTimeOffset horizon);

    [LoggerMessage(19, LogLevel.Information, "Synclet {SyncletId} rejoined past the tombstone horizon {Horizon:o}: it set aside {Removed} atom(s) stamped before it, of which {Dropped} did not come back from its peers.")]
    public static partial void Rejoined(ILogger logger, string syncletId, DateTimeOffset horizon, int removed, int dropped);

    [LoggerMessage(20, LogLevel.Error, "Synclet {SyncletId} could not collect its tombstones; it tries again in {Interval}.")]
    public static partial void CollectingTombstonesFailed(ILogger logger, Exception exception, string syncletId, TimeSpan interval);

    [LoggerMessage(40, LogLevel.Information, "Synclet {SyncletId}: {Peer} announced the change log epoch {Epoch}, which is ours: one store is a copy of the other. Ours starts a new epoch; this sync compares hashes.")]
    public static partial void FeedEpochShared(ILogger logger, string syncletId, string peer, string epoch);

    [LoggerMessage(41, LogLevel.Warning, "Synclet {SyncletId}: {Peer} has seen its change log up to {Seen}, but the log ends at {Last}: the store was restored from an older copy. It starts a new epoch; this sync compares hashes.")]
    public static partial void FeedStoreRestored(ILogger logger, string syncletId, string peer, long seen, long last);

    [LoggerMessage(42, LogLevel.Debug, "Synclet {SyncletId}: neither it nor {Peer} has anything new for the other, yet their root hashes differ; they compare hashes.")]
    public static partial void FeedFallback(ILogger logger, string syncletId, string peer);
}
