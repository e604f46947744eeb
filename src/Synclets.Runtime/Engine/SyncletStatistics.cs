namespace Synclets;

/// <summary>Running totals of what a synclet has sent and received, for diagnostics and benchmarks.</summary>
public sealed class SyncletStatistics
{
    private readonly ReceiveBacklog _backlog;
    private readonly SyncletMetrics _metrics;
    private long _messagesSent;
    private long _bytesSent;
    private long _messagesReceived;
    private long _bytesReceived;
    private volatile string? _lastApplyFailure;

    /// <summary>Messages sent (a broadcast over several transports counts once per transport).</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>UTF-8 bytes of the message texts sent, before fragmenting.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Whole messages received (valid or not).</summary>
    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    /// <summary>UTF-8 bytes of the message texts received.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Received messages waiting in the synclet's queue now.</summary>
    public int QueuedMessages => _backlog.Messages;

    /// <summary>The bytes of text those messages hold (two a UTF-16 unit).</summary>
    public long QueuedBytes => _backlog.Bytes;

    /// <summary>The most bytes of received messages that ever waited in the queue at once (about <see cref="SyncletOptions.MaxQueuedBytes"/> at most when the carrier pauses for it).</summary>
    public long PeakQueuedBytes => _backlog.PeakBytes;

    /// <summary>
    /// Why the last received message could not be applied (its unit of work failed: the store
    /// unreachable, locked or full, say; a later sync retries it), or null once a message after
    /// it wrote to the store and committed (one that only reads proves nothing about writing). A
    /// server's health check reports a room whose store fails by it.
    /// </summary>
    public string? LastApplyFailure => _lastApplyFailure;

    internal SyncletStatistics(ReceiveBacklog backlog, SyncletMetrics metrics)
    {
        _backlog = backlog;
        _metrics = metrics;
    }

    internal void Sent(ReadOnlySpan<char> messageText)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(messageText);
        Interlocked.Increment(ref _messagesSent);
        Interlocked.Add(ref _bytesSent, bytes);
        _metrics.MessagesSent.Add(1);
        _metrics.BytesSent.Add(bytes);
    }

    internal void Applied() => _lastApplyFailure = null;

    internal void ApplyFailed(Exception exception) => _lastApplyFailure = exception.Message;

    internal void Received(ReadOnlyMemory<char>[] messageParts)
    {
        Interlocked.Increment(ref _messagesReceived);
        var bytes = 0L;
        foreach (var part in messageParts)
        {
            bytes += System.Text.Encoding.UTF8.GetByteCount(part.Span);
        }

        Interlocked.Add(ref _bytesReceived, bytes);
        _metrics.MessagesReceived.Add(1);
        _metrics.BytesReceived.Add(bytes);
    }
}
