using Microsoft.Extensions.Logging;

namespace Synclets.Transports;

/// <summary>
/// Puts received fragments back together per (sender, message id), within bounds: a message may
/// not grow past the size limit, a peer may not hold too many partial messages, and a partial
/// message that waits too long is dropped. Every dropped packet is logged with its reason.
/// </summary>
/// <remarks>Thread-safe: transports may receive on any thread.</remarks>
internal sealed class Reassembler(TransportOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, PendingMessage>> _pendingByPeer = new(StringComparer.Ordinal);

    /// <summary>How many partial messages are waiting for fragments, over all peers.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pendingByPeer.Values.Sum(pending => pending.Count);
            }
        }
    }

    /// <summary>
    /// Adds a fragment; returns the whole message's text, as its fragments in order, once the last
    /// has arrived. The parts are not joined: a message of ~100 KB joined into one string would
    /// land on the large-object heap, and the reader copies the parts into a pooled buffer anyway.
    /// </summary>
    public ReadOnlyMemory<char>[]? Add(in ReceivedFragment fragment, ILogger logger, string selfId)
    {
        if (fragment.Total == 1)
        {
            if (fragment.Text.Length > options.MaxMessageLength)
            {
                Log.DroppedPacket(logger, selfId, fragment.From, $"its message is {fragment.Text.Length} characters, over the limit of {options.MaxMessageLength}");
                return null;
            }

            return [fragment.Text];
        }

        lock (_gate)
        {
            return AddFragmentLocked(fragment, logger, selfId);
        }
    }

    /// <summary>Forgets every partial message (when the transport detaches).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _pendingByPeer.Clear();
        }
    }

    /// <summary>Forgets the partial messages of one peer (when it leaves).</summary>
    public void ForgetPeer(string peer)
    {
        lock (_gate)
        {
            _pendingByPeer.Remove(peer);
        }
    }

    private ReadOnlyMemory<char>[]? AddFragmentLocked(in ReceivedFragment fragment, ILogger logger, string selfId)
    {
        var now = options.TimeProvider.GetTimestamp();
        if (!_pendingByPeer.TryGetValue(fragment.From, out var pending))
        {
            pending = new Dictionary<string, PendingMessage>(StringComparer.Ordinal);
            _pendingByPeer.Add(fragment.From, pending);
        }

        if (!pending.TryGetValue(fragment.MessageId, out var message))
        {
            EvictStale(pending, now, fragment.From, logger, selfId);
            if (fragment.Total > options.MaxFragmentsPerMessage)
            {
                Log.DroppedPacket(logger, selfId, fragment.From, $"message {fragment.MessageId} claims {fragment.Total} fragments, over the limit of {options.MaxFragmentsPerMessage}");
                return null;
            }

            if (pending.Count >= options.MaxPendingMessagesPerPeer)
            {
                var oldest = pending.MinBy(entry => entry.Value.StartedAt);
                pending.Remove(oldest.Key);
                Log.DroppedPacket(logger, selfId, fragment.From, $"it had {options.MaxPendingMessagesPerPeer} incomplete messages, so the oldest, {oldest.Key}, was dropped");
            }

            message = new PendingMessage(fragment.Total, now);
            pending.Add(fragment.MessageId, message);
        }

        if (message.Rejected)
        {
            return null; // Already reported when it was rejected.
        }

        if (message.Parts.Length != fragment.Total)
        {
            Log.DroppedPacket(logger, selfId, fragment.From, $"fragment {fragment.Index} of message {fragment.MessageId} says {fragment.Total} fragments, an earlier one said {message.Parts.Length}");
            return null;
        }

        if (message.Arrived[fragment.Index])
        {
            Log.DuplicateFragment(logger, selfId, fragment.Index, fragment.MessageId, fragment.From);
            return null;
        }

        message.Parts[fragment.Index] = fragment.Text;
        message.Arrived[fragment.Index] = true;
        message.Received++;
        message.Length += fragment.Text.Length;
        if (message.Length > options.MaxMessageLength)
        {
            message.Reject();
            Log.DroppedPacket(logger, selfId, fragment.From, $"message {fragment.MessageId} grew past the limit of {options.MaxMessageLength} characters");
            return null;
        }

        if (message.Received < message.Parts.Length)
        {
            return null;
        }

        pending.Remove(fragment.MessageId);
        if (pending.Count == 0)
        {
            _pendingByPeer.Remove(fragment.From);
        }

        return message.Parts;
    }

    private void EvictStale(Dictionary<string, PendingMessage> pending, long now, string peer, ILogger logger, string selfId)
    {
        List<string>? stale = null;
        foreach (var (id, message) in pending)
        {
            if (options.TimeProvider.GetElapsedTime(message.StartedAt, now) > options.PendingMessageTimeout)
            {
                (stale ??= []).Add(id);
            }
        }

        foreach (var id in stale ?? [])
        {
            var message = pending[id];
            pending.Remove(id);
            if (!message.Rejected)
            {
                Log.DroppedPacket(logger, selfId, peer, $"message {id} was still missing {message.Parts.Length - message.Received} of {message.Parts.Length} fragments after {options.PendingMessageTimeout}");
            }
        }
    }

    private sealed class PendingMessage(int total, long startedAt)
    {
        public ReadOnlyMemory<char>[] Parts { get; private set; } = new ReadOnlyMemory<char>[total];

        public bool[] Arrived { get; private set; } = new bool[total];

        public long StartedAt { get; } = startedAt;

        public int Received { get; set; }

        public int Length { get; set; }

        public bool Rejected { get; private set; }

        /// <summary>Frees the parts but remembers the id, so later fragments of it are dropped quietly.</summary>
        public void Reject()
        {
            Rejected = true;
            Parts = [];
            Arrived = [];
        }
    }
}
