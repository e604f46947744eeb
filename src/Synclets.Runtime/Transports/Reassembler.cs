using Microsoft.Extensions.Logging;

namespace Synclets.Transports;

/// <summary>
/// Puts received fragments back together per (sender, message id), within bounds: a message may
/// not grow past the size limit, a peer may not hold too many partial messages nor too much text
/// in them, all peers together may not hold more than the transport's (or a shared) budget, and
/// a partial message that waits too long is dropped, by a timer, whether or not anything else
/// arrives. Memory is taken as fragments arrive, never for what a header merely claims. Every
/// dropped packet is logged with its reason.
/// </summary>
/// <remarks>Thread-safe: transports may receive on any thread.</remarks>
internal sealed class Reassembler(TransportOptions options) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PeerMessages> _pendingByPeer = new(StringComparer.Ordinal);
    private readonly ReassemblyBudget _budget = options.SharedBudget ?? new ReassemblyBudget(options.MaxPendingLength);
    private ITimer? _sweeper;
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private string _selfId = string.Empty;

    /// <summary>How many partial messages are waiting for fragments, over all peers.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pendingByPeer.Values.Sum(peer => peer.Messages.Count);
            }
        }
    }

    /// <summary>How much text (UTF-16 units) the partial messages hold, over all peers.</summary>
    public long PendingLength
    {
        get
        {
            lock (_gate)
            {
                return _pendingByPeer.Values.Sum(peer => peer.Length);
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
                Log.DroppedPacket(logger, selfId, Ids.Readable(fragment.From), $"its message is {fragment.Text.Length} characters, over the limit of {options.MaxMessageLength}");
                return null;
            }

            return [fragment.Text];
        }

        lock (_gate)
        {
            _logger = logger;
            _selfId = selfId;
            return AddFragmentLocked(fragment, logger, selfId);
        }
    }

    /// <summary>Forgets every partial message (when the transport detaches).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var peer in _pendingByPeer.Values)
            {
                _budget.Release(peer.Length);
            }

            _pendingByPeer.Clear();
            StopSweeping();
        }
    }

    /// <summary>Forgets the partial messages of one peer (when it leaves).</summary>
    public void ForgetPeer(string peer)
    {
        lock (_gate)
        {
            if (_pendingByPeer.Remove(peer, out var messages))
            {
                _budget.Release(messages.Length);
            }

            if (_pendingByPeer.Count == 0)
            {
                StopSweeping();
            }
        }
    }

    public void Dispose() => Clear();

    private ReadOnlyMemory<char>[]? AddFragmentLocked(in ReceivedFragment fragment, ILogger logger, string selfId)
    {
        var now = options.TimeProvider.GetTimestamp();
        if (!_pendingByPeer.TryGetValue(fragment.From, out var peer))
        {
            peer = new PeerMessages();
            _pendingByPeer.Add(fragment.From, peer);
        }

        if (!peer.Messages.TryGetValue(fragment.MessageId, out var message))
        {
            EvictStale(fragment.From, peer, now, logger, selfId);
            if (fragment.Total > options.MaxFragmentsPerMessage)
            {
                Log.DroppedPacket(logger, selfId, Ids.Readable(fragment.From), $"message {fragment.MessageId} claims {fragment.Total} fragments, over the limit of {options.MaxFragmentsPerMessage}");
                ForgetIfEmpty(fragment.From, peer);
                return null;
            }

            if (peer.Messages.Count >= options.MaxPendingMessagesPerPeer)
            {
                var oldest = peer.Messages.MinBy(entry => entry.Value.StartedAt);
                Drop(peer, oldest.Key);
                Log.DroppedPacket(logger, selfId, Ids.Readable(fragment.From), $"it had {options.MaxPendingMessagesPerPeer} incomplete messages, so the oldest, {oldest.Key}, was dropped");
            }

            message = new PendingMessage(fragment.Total, now);
            peer.Messages.Add(fragment.MessageId, message);
            EnsureSweeping();
        }

        if (message.Rejected)
        {
            return null; // Already reported when it was rejected.
        }

        if (message.Total != fragment.Total)
        {
            Log.DroppedPacket(logger, selfId, Ids.Readable(fragment.From), $"fragment {fragment.Index} of message {fragment.MessageId} says {fragment.Total} fragments, an earlier one said {message.Total}");
            return null;
        }

        if (message.Parts.ContainsKey(fragment.Index))
        {
            Log.DuplicateFragment(logger, selfId, fragment.Index, fragment.MessageId, Ids.Readable(fragment.From));
            return null;
        }

        var length = fragment.Text.Length;
        if (message.Length + length > options.MaxMessageLength)
        {
            Reject(peer, message);
            Log.DroppedPacket(logger, selfId, Ids.Readable(fragment.From), $"message {fragment.MessageId} grew past the limit of {options.MaxMessageLength} characters");
            return null;
        }

        if (peer.Length + length > options.MaxPendingLengthPerPeer)
        {
            Reject(peer, message);
            Log.DroppedPacket(logger, selfId, Ids.Readable(fragment.From), $"its incomplete messages would hold over {options.MaxPendingLengthPerPeer} characters, so message {fragment.MessageId} was dropped");
            return null;
        }

        if (!_budget.TryReserve(length))
        {
            Reject(peer, message);
            Log.DroppedPacket(logger, selfId, Ids.Readable(fragment.From), $"incomplete messages would hold over {_budget.MaxLength} characters in all, so message {fragment.MessageId} was dropped");
            return null;
        }

        message.Parts.Add(fragment.Index, fragment.Text);
        message.Length += length;
        peer.Length += length;
        if (message.Parts.Count < message.Total)
        {
            return null;
        }

        var parts = new ReadOnlyMemory<char>[message.Total];
        foreach (var (index, text) in message.Parts)
        {
            parts[index] = text;
        }

        Drop(peer, fragment.MessageId);
        ForgetIfEmpty(fragment.From, peer);
        return parts;
    }

    /// <summary>Frees a message's parts but remembers its id, so later fragments of it are dropped quietly.</summary>
    private void Reject(PeerMessages peer, PendingMessage message)
    {
        peer.Length -= message.Length;
        _budget.Release(message.Length);
        message.Reject();
    }

    private void Drop(PeerMessages peer, string messageId)
    {
        if (peer.Messages.Remove(messageId, out var message))
        {
            peer.Length -= message.Length;
            _budget.Release(message.Length);
        }
    }

    private void ForgetIfEmpty(string from, PeerMessages peer)
    {
        if (peer.Messages.Count == 0)
        {
            _pendingByPeer.Remove(from);
            if (_pendingByPeer.Count == 0)
            {
                StopSweeping();
            }
        }
    }

    private void EvictStale(string from, PeerMessages peer, long now, ILogger logger, string selfId)
    {
        List<string>? stale = null;
        foreach (var (id, message) in peer.Messages)
        {
            if (options.TimeProvider.GetElapsedTime(message.StartedAt, now) > options.PendingMessageTimeout)
            {
                (stale ??= []).Add(id);
            }
        }

        foreach (var id in stale ?? [])
        {
            var message = peer.Messages[id];
            Drop(peer, id);
            if (!message.Rejected)
            {
                Log.DroppedPacket(logger, selfId, Ids.Readable(from), $"message {id} was still missing {message.Total - message.Parts.Count} of {message.Total} fragments after {options.PendingMessageTimeout}");
            }
        }
    }

    /// <summary>A timer runs while anything is pending, so a message whose sender went quiet is evicted on time.</summary>
    private void EnsureSweeping()
    {
        if (_sweeper is null && options.PendingMessageTimeout != Timeout.InfiniteTimeSpan)
        {
            var period = options.PendingMessageTimeout / 2;
            _sweeper = options.TimeProvider.CreateTimer(static state => ((Reassembler)state!).Sweep(), this, period, period);
        }
    }

    private void StopSweeping()
    {
        _sweeper?.Dispose();
        _sweeper = null;
    }

    private void Sweep()
    {
        lock (_gate)
        {
            var now = options.TimeProvider.GetTimestamp();
            foreach (var (from, peer) in _pendingByPeer.ToArray())
            {
                EvictStale(from, peer, now, _logger, _selfId);
                ForgetIfEmpty(from, peer);
            }
        }
    }

    private sealed class PeerMessages
    {
        public Dictionary<string, PendingMessage> Messages { get; } = new(StringComparer.Ordinal);

        /// <summary>The text its pending messages hold, in UTF-16 units.</summary>
        public long Length { get; set; }
    }

    private sealed class PendingMessage(int total, long startedAt)
    {
        public int Total { get; } = total;

        /// <summary>The fragments that have arrived, by index: grown as they come, not sized by the claimed total.</summary>
        public Dictionary<int, ReadOnlyMemory<char>> Parts { get; } = [];

        public long StartedAt { get; } = startedAt;

        public long Length { get; set; }

        public bool Rejected { get; private set; }

        public void Reject()
        {
            Rejected = true;
            Parts.Clear();
            Parts.TrimExcess();
            Length = 0;
        }
    }
}
