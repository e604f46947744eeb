using Microsoft.Extensions.Logging;
using Synclets.Connectors;
using Synclets.Protocol;
using Synclets.Transports;

namespace Synclets;

/// <summary>
/// Reconnects that cost what changed: an extension of protocol version 1 between peers whose
/// stores keep a change log (<see cref="IChangeLog"/>), carried in the context of ordinary
/// messages (see <see cref="FeedWire"/>, and docs/concepts.md for the protocol as a JavaScript
/// implementer would follow it).
/// </summary>
/// <remarks>
/// <para>
/// Every root hash we send says where our log stands and how far we have seen others'. A peer
/// of ours that gets one whose hash differs from its own sends, instead of protocol version 1's
/// listing of every child, the atoms its log holds after what we have seen (a feed, in batches
/// of partial sub-nodes, oldest first), then its root hash, ending the feed. The end says how far
/// it has seen us, so whoever still differs sends its own feed back. Hashes equal: in sync.
/// </para>
/// <para>
/// The hash tree stays the check and the fallback: a peer that names no position of ours (a
/// store replaced), one older than what our log can replay (tombstones collected), one newer
/// than our log (our store restored from an old copy: we start a new epoch), two rounds that
/// both had nothing to send while the hashes still differ, or too many rounds: the root hash is
/// answered as protocol version 1 answers it. A plain version 1 peer never sees a feed: it never
/// sends a position, and gets the version 1 answer.
/// </para>
/// <para>
/// A receiver records each batch's position in the unit of work that applied it, so a feed cut
/// half way resumes from the last batch stored. All of it runs on the synclet's work loop.
/// </para>
/// </remarks>
internal sealed class ChangeFeed(
    int depth,
    IChangeLog? changeLog,
    StoreReader store,
    DeclaredHooks hooks,
    IMessageSender sender,
    int maxAtomsPerBatch,
    Action<SyncProgressEventArgs> progress,
    ILogger logger,
    string syncletId)
{
    /// <summary>Rounds of feeds with one peer, hashes still different, before the version 1 answer is given instead.</summary>
    private const int MaxRounds = 4;

    /// <summary>Settles offered to a peer after a sync that fell back to hashes, before giving up until the next.</summary>
    private const int MaxSettles = 8;

    /// <summary>
    /// How many logs one connection may make us keep checkpoints of: its own, and one new epoch
    /// (its store replaced while connected). Each is a row in our store, so a hostile peer
    /// announcing made-up epochs must not add one per message.
    /// </summary>
    private const int MaxEpochsPerConnection = 2;

    private readonly IChangeLog? _log = changeLog is { Epoch.Length: > 0 } ? changeLog : null; // An empty epoch: this store keeps no log after all.
    private readonly Dictionary<(Transport Transport, string Peer), FeedPeer> _peers = [];

    /// <summary>True when our store keeps a change log: our root hashes then say where it stands.</summary>
    public bool IsActive => _log is not null;

    /// <summary>True when we may send feeds: read rules cut what each peer sees, which a feed of the whole log cannot honour.</summary>
    private bool CanFeed => _log is not null && !hooks.HasReadRules;

    /// <summary>
    /// The context of a root hash we send, with our position and, when <paramref name="recipientEpoch"/>
    /// is null, the checkpoints we hold (for whoever hears it), else the one for the recipient's log.
    /// </summary>
    public async ValueTask<IReadOnlyDictionary<string, Atom>> AnnounceAsync(IReadOnlyDictionary<string, Atom> context, string? recipientEpoch = null)
    {
        if (_log is null)
        {
            return context;
        }

        var checkpoints = await _log.GetCheckpointsAsync().ConfigureAwait(false);
        var seen = recipientEpoch is null
            ? FeedWire.Seen(checkpoints)
            : checkpoints.TryGetValue(recipientEpoch, out var sequence) ? FeedWire.Position(recipientEpoch, sequence) : string.Empty;
        var announced = new Dictionary<string, Atom>(context, StringComparer.Ordinal)
        {
            [FeedWire.LogKey] = FeedWire.Position(_log.Epoch, _log.LastSequence),
        };
        if (seen.Length > 0)
        {
            announced[FeedWire.SeenKey] = seen;
        }

        return announced;
    }

    /// <summary>The epoch a peer's log told us, if it did (for an answer addressed to it).</summary>
    public string? EpochOf(Transport transport, string peer) => _peers.GetValueOrDefault((transport, peer))?.Epoch;

    /// <summary>Forgets what we sent on a transport: after a reconnect, what was in flight may be lost.</summary>
    public void Forget(Transport transport)
    {
        foreach (var key in _peers.Keys.Where(key => key.Transport == transport).ToList())
        {
            _peers.Remove(key);
        }
    }

    /// <summary>Forgets everything sent: the synclet starts again.</summary>
    public void ForgetAll() => _peers.Clear();

    /// <summary>
    /// A root hash from a peer: true when the feed answered it (or it needed no answer), false when
    /// it gets protocol version 1's answer (a plain peer, or a fallback).
    /// </summary>
    public async ValueTask<bool> HandleRootHashAsync(Transport transport, string from, uint theirs, IReadOnlyDictionary<string, Atom> context, IReadOnlyDictionary<string, Atom> sendContext)
    {
        if (_log is null || !FeedWire.TryReadPosition(context, FeedWire.LogKey, out var epoch, out var position))
        {
            return false;
        }

        if (epoch == _log.Epoch)
        {
            // Their store is a copy of ours (or ours of theirs): one numbering for two stores would
            // make each take the other's numbers for its own. Ours starts again; hashes settle this one.
            Log.FeedEpochShared(logger, syncletId, Ids.Readable(from), epoch);
            await _log.StartNewEpochAsync().ConfigureAwait(false);
            return FallBack(PeerOf(transport, from));
        }

        var peer = PeerOf(transport, from);
        if (!peer.MayRecord(epoch))
        {
            return false; // A connection that keeps announcing new logs gets version 1 answers.
        }

        peer.Epoch = epoch;
        var endedFeed = FeedWire.ReadCount(context, FeedWire.SinceKey);
        if (endedFeed is { } endedSince)
        {
            await RecordAsync(epoch, endedSince, position).ConfigureAwait(false);
            if (peer.Received > 0 || peer.Expected > 0)
            {
                peer.Report = new SyncProgressEventArgs(from, peer.Received, peer.Received, completed: true);
            }
        }

        var mine = await store.GetHashAsync([]).ConfigureAwait(false);
        var seenOfUs = FeedWire.SeenOf(context, _log.Epoch);
        if (mine == theirs)
        {
            // The same tree: we hold all they had at that position.
            await RaiseCheckpointAsync(epoch, position).ConfigureAwait(false);
            peer.Rounds = 0;
            peer.SettlesLeft = 0;
            if (CanFeed && (seenOfUs ?? -1) < _log.LastSequence)
            {
                // So they record where we stand (their answer to this, the trees still the same,
                // names our position: it needs none).
                await SendEndAsync(transport, from, peer, _log.LastSequence, fed: 0, sendContext).ConfigureAwait(false);
            }

            return true;
        }

        if (context.ContainsKey(FeedWire.SettleKey))
        {
            return true; // Not the same tree yet: the sync under way goes on without us.
        }

        if (!CanFeed)
        {
            return false;
        }

        var after = seenOfUs ?? (theirs == 0 ? 0 : null);
        if (after is null || after < _log.Floor)
        {
            return FallBack(peer);
        }

        if (after > _log.LastSequence)
        {
            // They saw our log further than it goes: our store was restored from an older copy, and
            // its next numbers would be ones they took for writes they already have.
            Log.FeedStoreRestored(logger, syncletId, Ids.Readable(from), after.Value, _log.LastSequence);
            await _log.StartNewEpochAsync().ConfigureAwait(false);
            return FallBack(peer);
        }

        if (++peer.Rounds > MaxRounds)
        {
            peer.Rounds = 0;
            return FallBack(peer);
        }

        // From what they say they hold, not from what we sent: a batch they failed to store, or lost
        // with a connection, goes again.
        var (fed, last) = await SendFeedAsync(transport, from, after.Value, sendContext).ConfigureAwait(false);
        if (fed == 0 && endedFeed is not null && FeedWire.ReadCount(context, FeedWire.FedKey) is 0 or null)
        {
            // Neither side had anything new for the other, and the hashes still differ.
            Log.FeedFallback(logger, syncletId, Ids.Readable(from));
            return FallBack(peer);
        }

        await SendEndAsync(transport, from, peer, last, fed, sendContext).ConfigureAwait(false);
        return true;
    }

    /// <summary>A message from <paramref name="from"/> failed to apply: what it would have reported did not happen.</summary>
    public void Failed(Transport transport, string from)
    {
        if (_peers.GetValueOrDefault((transport, from)) is { } peer)
        {
            peer.Report = null;
        }
    }

    /// <summary>
    /// After a message from <paramref name="from"/> was handled and committed: reports the progress
    /// of its feed, if it was a batch or an end; and, with nothing else queued, when a sync with
    /// that peer fell back to hashes, offers it a settle (see
    /// <see cref="FeedWire.SettleKey"/>), so that once the trees are the same each records where
    /// the other stands and the next reconnect is a feed.
    /// </summary>
    public async ValueTask AfterMessageAsync(Transport transport, string from, bool nothingQueued)
    {
        if (!_peers.TryGetValue((transport, from), out var peer))
        {
            return;
        }

        if (peer.Report is { } report)
        {
            // Stored now: the batch (or the end) it reports on committed.
            peer.Report = null;
            (peer.Received, peer.Expected) = report.Completed ? (0, 0) : (report.Received, report.Expected);
            progress(report);
        }

        if (!nothingQueued || _log is null || peer.SettlesLeft <= 0)
        {
            return;
        }

        peer.SettlesLeft--;
        var context = new Dictionary<string, Atom>(await AnnounceAsync(Message.EmptyContext, peer.Epoch).ConfigureAwait(false), StringComparer.Ordinal)
        {
            [FeedWire.SettleKey] = true,
        };
        await sender.SendAsync(transport, from, new Message(depth, [], new HashNode(await store.GetHashAsync([]).ConfigureAwait(false)), context), forcePartial: false).ConfigureAwait(false);
    }

    /// <summary>The root hash gets protocol version 1's answer; once that sync has run, we offer settles.</summary>
    private static bool FallBack(FeedPeer peer)
    {
        peer.SettlesLeft = MaxSettles;
        return false;
    }

    /// <summary>
    /// After a received message was handled, in its unit of work: a feed batch moves our
    /// checkpoint of the sender's log to the batch's position (when it follows on from ours),
    /// and reports progress.
    /// </summary>
    public async ValueTask BatchAppliedAsync(Transport transport, string from, SubNodesNode batch, IReadOnlyDictionary<string, Atom> context)
    {
        if (_log is null
            || !FeedWire.TryReadPosition(context, FeedWire.LogKey, out var epoch, out var position)
            || FeedWire.ReadCount(context, FeedWire.SinceKey) is not { } since
            || epoch == _log.Epoch)
        {
            return;
        }

        var peer = PeerOf(transport, from);
        if (!peer.MayRecord(epoch))
        {
            return;
        }

        await RecordAsync(epoch, since, position).ConfigureAwait(false);
        var received = peer.Received + CountAtoms(batch, level: 0);
        peer.Report = new SyncProgressEventArgs(from, received, received + (FeedWire.ReadCount(context, FeedWire.LeftKey) ?? 0), completed: false);
    }

    /// <summary>Our checkpoint of <paramref name="epoch"/> moves to <paramref name="position"/> when what got us there follows on from what we hold.</summary>
    private async ValueTask RecordAsync(string epoch, long since, long position)
    {
        var checkpoints = await _log!.GetCheckpointsAsync().ConfigureAwait(false);
        var held = checkpoints.TryGetValue(epoch, out var sequence) ? sequence : 0;
        if (held >= since && position > held)
        {
            await _log.SetCheckpointAsync(epoch, position).ConfigureAwait(false);
        }
    }

    private async ValueTask RaiseCheckpointAsync(string epoch, long position)
    {
        var checkpoints = await _log!.GetCheckpointsAsync().ConfigureAwait(false);
        if (!checkpoints.TryGetValue(epoch, out var held) || held < position)
        {
            await _log.SetCheckpointAsync(epoch, position).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the atoms of our log after <paramref name="since"/>, oldest first, in batches that end
    /// between sequences, each naming the position it follows on from (so a receiver that failed
    /// to store one records none after it); returns how many, and the last batch's position.
    /// </summary>
    private async ValueTask<(long Sent, long Last)> SendFeedAsync(Transport transport, string to, long since, IReadOnlyDictionary<string, Atom> sendContext)
    {
        var log = _log!;
        var total = await log.CountChangesAsync(since).ConfigureAwait(false);
        var batch = new List<LoggedAtom>(Math.Min(maxAtomsPerBatch, (int)Math.Min(total, int.MaxValue)));
        long sent = 0;
        var last = since;
        await foreach (var atom in log.ReadChangesAsync(since, store.Data).ConfigureAwait(false))
        {
            if (batch.Count >= maxAtomsPerBatch && atom.Sequence != batch[^1].Sequence)
            {
                sent += batch.Count;
                await SendBatchAsync(transport, to, batch, last, Math.Max(0, total - sent), sendContext).ConfigureAwait(false);
                last = batch[^1].Sequence;
                batch.Clear();
            }

            batch.Add(atom);
        }

        if (batch.Count > 0)
        {
            sent += batch.Count;
            await SendBatchAsync(transport, to, batch, last, 0, sendContext).ConfigureAwait(false);
            last = batch[^1].Sequence;
        }

        return (sent, last);
    }

    private async ValueTask SendBatchAsync(Transport transport, string to, List<LoggedAtom> batch, long followsOn, long left, IReadOnlyDictionary<string, Atom> sendContext)
    {
        var context = new Dictionary<string, Atom>(sendContext, StringComparer.Ordinal)
        {
            [FeedWire.LogKey] = FeedWire.Position(_log!.Epoch, batch[^1].Sequence),
            [FeedWire.SinceKey] = followsOn,
            [FeedWire.LeftKey] = left,
        };

        // Written straight to text when the hooks allow it and each parent's atoms come together:
        // at depth 2 a batch holds each row once, its cells in a run; deeper, a table's rows may
        // come apart (ordered by number), and the text writer never reopens a list.
        if (depth <= 2 && hooks.AllowStreaming)
        {
            var text = new FullNodeWriter(depth, [], context, int.MaxValue, message => sender.SendTextAsync(transport, to, message));
            foreach (var atom in batch)
            {
                await text.AddAsync(atom.Address, atom.Timestamp, atom.Atom).ConfigureAwait(false);
            }

            await text.FinishAsync().ConfigureAwait(false);
            return;
        }

        await sender.SendAsync(transport, to, new Message(depth, [], BatchNode(batch), context), forcePartial: true).ConfigureAwait(false);
    }

    /// <summary>A batch as partial sub-nodes at the root, down to its atoms.</summary>
    private SubNodesNode BatchNode(List<LoggedAtom> batch)
    {
        var root = new SubNodesNode(partial: true);
        foreach (var atom in batch)
        {
            var node = root;
            for (var level = 0; level < depth - 1; level++)
            {
                if (!node.Children.TryGetValue(atom.Address[level], out var child))
                {
                    child = new SubNodesNode(partial: true);
                    node.Children.Add(atom.Address[level], child);
                }

                node = (SubNodesNode)child;
            }

            node.Children[atom.Address[^1]] = new TimestampAndAtomNode(atom.Timestamp, atom.Atom);
        }

        return root;
    }

    /// <summary>Ends a feed (or says where we stand): our root hash, position, and how far we have seen the recipient's log.</summary>
    private async ValueTask SendEndAsync(Transport transport, string to, FeedPeer peer, long since, long fed, IReadOnlyDictionary<string, Atom> sendContext)
    {
        var context = new Dictionary<string, Atom>(await AnnounceAsync(sendContext, peer.Epoch).ConfigureAwait(false), StringComparer.Ordinal)
        {
            [FeedWire.SinceKey] = since,
            [FeedWire.FedKey] = fed,
        };
        var hash = await store.GetHashAsync([]).ConfigureAwait(false);
        await sender.SendAsync(transport, to, new Message(depth, [], new HashNode(hash), context), forcePartial: false).ConfigureAwait(false);
    }

    private FeedPeer PeerOf(Transport transport, string peer)
    {
        if (!_peers.TryGetValue((transport, peer), out var state))
        {
            state = new FeedPeer();
            _peers.Add((transport, peer), state);
        }

        return state;
    }

    private int CountAtoms(SubNodesNode node, int level)
    {
        if (level == depth - 1)
        {
            return node.Children.Count;
        }

        var count = 0;
        foreach (var child in node.Children.Values)
        {
            if (child is SubNodesNode subNodes)
            {
                count += CountAtoms(subNodes, level + 1);
            }
        }

        return count;
    }

    /// <summary>What we know of one peer on one connection.</summary>
    private sealed class FeedPeer
    {
        /// <summary>Its log's epoch, once it said.</summary>
        public string? Epoch { get; set; }

        /// <summary>Feeds sent since our hashes were last equal.</summary>
        public int Rounds { get; set; }

        /// <summary>Atoms stored from the feed it is sending us.</summary>
        public long Received { get; set; }

        /// <summary>Atoms its feed holds, as it last said.</summary>
        public long Expected { get; set; }

        /// <summary>Settles still to offer after a sync that fell back to hashes.</summary>
        public int SettlesLeft { get; set; }

        /// <summary>The progress the message being handled will report once it commits.</summary>
        public SyncProgressEventArgs? Report { get; set; }

        /// <summary>The epochs this connection announced, up to <see cref="MaxEpochsPerConnection"/>.</summary>
        private readonly List<string> _epochs = [];

        /// <summary>Whether we keep a checkpoint of <paramref name="epoch"/> for this connection (one it already announced, or room for one more).</summary>
        public bool MayRecord(string epoch)
        {
            if (_epochs.Contains(epoch))
            {
                return true;
            }

            if (_epochs.Count >= MaxEpochsPerConnection)
            {
                return false;
            }

            _epochs.Add(epoch);
            return true;
        }
    }
}
