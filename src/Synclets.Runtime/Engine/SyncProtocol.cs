using Microsoft.Extensions.Logging;
using Synclets.Connectors;
using Synclets.Protocol;
using Synclets.Transports;

namespace Synclets;

/// <summary>
/// The Synclets sync algorithm (docs/protocol.md, "The sync algorithm") over one data and one meta
/// connector: turns each received node into the reply the protocol asks for, applies newer
/// atoms, and propagates what it applied to the other transports.
/// </summary>
internal sealed class SyncProtocol(
    int depth,
    StoreReader store,
    HybridLogicalClock clock,
    DeclaredHooks hooks,
    int maxNodesPerMessage,
    IMessageSender sender,
    PendingChanges changes,
    Tombstones tombstones,
    SyncletMetrics metrics,
    ChangeFeed feed,
    ILogger logger,
    string syncletId)
{
    /// <summary>How many rows of a local bulk write have their timestamps read ahead at once.</summary>
    private const int RowsPrefetched = 1024;

    private readonly ListingRecords _listings = new();

    private readonly Refusals _refusals = new(metrics);

    // Read rules filter children parent by parent, which a streamed subtree cannot honour, and a
    // sent-message observer watches every message, which text written without a message cannot
    // show: only hooks that declare neither take the streaming and text-writing paths.
    private readonly bool _streams = hooks.AllowStreaming;

    public int Depth => depth;

    /// <summary>Handles one valid received message.</summary>
    public async ValueTask HandleAsync(Transport transport, string from, Message message)
    {
        _refusals.StartMessage();
        try
        {
            await HandleNodeAsync(transport, from, message).ConfigureAwait(false);
        }
        finally
        {
            _refusals.FinishMessage(logger, syncletId, from, clock.MaxDrift);
        }
    }

    private async ValueTask HandleNodeAsync(Transport transport, string from, Message message)
    {
        var context = message.Context;
        var sendContext = WithoutFeedWords(await hooks.GetSendContextAsync(context).ConfigureAwait(false));
        IAppliedAtoms? propagation = null;
        if (message.Address.Count == depth)
        {
            var (reply, applied) = await TransformAtomAsync(message.Address, message.Node, context).ConfigureAwait(false);
            if (reply is not null)
            {
                await sender.SendAsync(transport, from, new Message(depth, message.Address, reply, sendContext), forcePartial: false).ConfigureAwait(false);
            }

            if (applied && sender.CanPropagate(transport))
            {
                await sender.PropagateAsync(message with { Context = sendContext }, forcePartial: false, transport, from).ConfigureAwait(false);
            }
        }
        else
        {
            propagation = sender.CanPropagate(transport) ? NewPropagation(transport, from, message.Address, sendContext) : null;
            var reply = new ReplyBuilder(
                message.Address,
                maxNodesPerMessage,
                alwaysPartial: false,
                (node, partial) => sender.SendAsync(transport, from, new Message(depth, message.Address, node, sendContext), partial),
                _streams ? () => new FullNodeWriter(depth, message.Address, sendContext, maxNodesPerMessage, text => sender.SendTextAsync(transport, from, text)) : null);
            if (message.Node is SubNodesNode received)
            {
                _listings.Collect(transport, from, message.Address, received);
            }

            if (message.Address.Count == 0 && message.Node is HashNode root && await feed.HandleRootHashAsync(transport, from, root.Hash, context, sendContext).ConfigureAwait(false))
            {
                // Answered by the change feed (see ChangeFeed), or needing no answer.
            }
            else if (message.Node is HashNode { Hash: 0 })
            {
                await ReplyToEmptyPeerAsync(reply, transport, from, sendContext, context).ConfigureAwait(false);
            }
            else if (message.Node is HashNode followUp && _listings.TryTakeWhole(transport, from, message.Address, followUp.Hash, out var named))
            {
                // The hash completes a listing that came in parts: send what it did not name, in a
                // partial list (it names only what they lack, not everything we have).
                reply.MarkPartial();
                await AddFullNodesChildByChildAsync(reply, context, except: named).ConfigureAwait(false);
                await reply.FinishAsync().ConfigureAwait(false);
            }
            else
            {
                await TransformParentAsync(reply, message.Node, context, propagation).ConfigureAwait(false);
                await reply.FinishAsync().ConfigureAwait(false);
            }

            // Each listing split between messages is followed by the hash its names combine to, so
            // the peer can tell it heard all of it (see ListingRecords).
            foreach (var (address, listedHash) in reply.SplitListings)
            {
                await sender.SendAsync(transport, from, new Message(depth, address, new HashNode(listedHash), sendContext), forcePartial: false).ConfigureAwait(false);
            }

            if (message.Address.Count == 0 && message.Node is SubNodesNode batch)
            {
                await feed.BatchAppliedAsync(transport, from, batch, context).ConfigureAwait(false);
            }
        }

        if (propagation is not null)
        {
            await propagation.FinishAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What we apply from a message goes on to our other transports (a chain's next link), and to
    /// the sender's fellow peers when we are the centre of a star; with no one to tell, nothing is
    /// collected. When the hooks allow streaming it is written straight to text (see <see cref="FullNodeWriter"/>).
    /// </summary>
    private IAppliedAtoms NewPropagation(Transport transport, string from, IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> sendContext) =>
        _streams
            ? new FullNodeWriter(depth, address, sendContext, maxNodesPerMessage, text => sender.PropagateTextAsync(text, transport, from))
            : new ReplyBuilder(address, maxNodesPerMessage, alwaysPartial: true, (node, partial) =>
                sender.PropagateAsync(new Message(depth, address, node, sendContext), partial, transport, from));

    /// <summary>Writes a local change and tells every peer, sending the atom with its timestamp in one message.</summary>
    public async ValueTask<string> SetLocalAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken)
    {
        var timestamp = clock.Next();
        await WriteAsync(address, timestamp, atom, local: true, cancellationToken).ConfigureAwait(false);
        var context = await hooks.GetSendContextAsync(Message.EmptyContext).ConfigureAwait(false);
        await sender.BroadcastAsync(new Message(depth, [.. address], new TimestampAndAtomNode(timestamp, atom), context), forcePartial: false).ConfigureAwait(false);
        return timestamp;
    }

    /// <summary>Writes several local changes under one parent and tells every peer in one (partial) sub-nodes message.</summary>
    public async ValueTask SetLocalManyAsync(IReadOnlyList<string> parent, IReadOnlyList<KeyValuePair<string, Atom>> cells, CancellationToken cancellationToken)
    {
        var broadcast = sender.CanBroadcast ? await NewBroadcastAsync(parent).ConfigureAwait(false) : null;
        var address = new List<string>(parent) { string.Empty };
        foreach (var (id, atom) in cells)
        {
            address[^1] = id;
            await WriteLocalAsync(address, atom, broadcast, cancellationToken).ConfigureAwait(false);
        }

        if (broadcast is not null)
        {
            await broadcast.FinishAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stamps and writes one local change, and adds it to the broadcast when there is one (someone to tell).</summary>
    private async ValueTask WriteLocalAsync(List<string> address, Atom atom, ReplyBuilder? broadcast, CancellationToken cancellationToken)
    {
        var timestamp = clock.Next();
        await WriteAsync(address, timestamp, atom, local: true, cancellationToken).ConfigureAwait(false);
        if (broadcast is not null)
        {
            await broadcast.AddAtAsync(address, new TimestampAndAtomNode(timestamp, atom)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts the clock after the newest timestamp in the store, so that a restarted replica whose
    /// wall clock was ahead when it wrote (and has since been corrected) never stamps a new write
    /// older than one it holds (see <see cref="HybridLogicalClock.StartAfter"/>); a stored timestamp
    /// beyond the drift bound is taken in all the same, with a warning.
    /// </summary>
    public async ValueTask StartClockAsync(CancellationToken cancellationToken)
    {
        var latest = await store.GetLatestTimestampAsync(cancellationToken).ConfigureAwait(false);
        if (latest.Length > 0 && clock.StartAfter(latest) && clock.IsTooFarAhead(latest))
        {
            Log.StoredTimestampAhead(logger, syncletId, latest, clock.MaxDrift);
        }
    }

    /// <summary>
    /// Writes local changes to many rows of one table (the parent two levels above the atoms) and
    /// tells every peer in as few (partial) sub-nodes messages as they fill: a bulk upsert is one
    /// unit of work and a handful of messages, not one of each per row.
    /// </summary>
    public async ValueTask SetLocalRowsAsync(IReadOnlyList<string> table, IReadOnlyList<(string RowId, List<KeyValuePair<string, Atom>> Cells)> rows, CancellationToken cancellationToken)
    {
        var broadcast = sender.CanBroadcast ? await NewBroadcastAsync(table).ConfigureAwait(false) : null;
        var address = new List<string>(table) { string.Empty, string.Empty };
        foreach (var chunk in rows.Chunk(RowsPrefetched))
        {
            // The old timestamps of a chunk of rows in one query (their hashes change), not one a row.
            if (chunk.Length > 1)
            {
                await store.PrefetchAsync(table, [.. chunk.Select(row => row.RowId)]).ConfigureAwait(false);
            }

            foreach (var (rowId, cells) in chunk)
            {
                address[^2] = rowId;
                foreach (var (id, atom) in cells)
                {
                    address[^1] = id;
                    await WriteLocalAsync(address, atom, broadcast, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (broadcast is not null)
        {
            await broadcast.FinishAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A builder of partial messages to every peer about local changes under <paramref name="parent"/>.</summary>
    private async ValueTask<ReplyBuilder> NewBroadcastAsync(IReadOnlyList<string> parent)
    {
        var context = await hooks.GetSendContextAsync(Message.EmptyContext).ConfigureAwait(false);
        return new ReplyBuilder(parent, maxNodesPerMessage, alwaysPartial: true, (node, partial) =>
            sender.BroadcastAsync(new Message(depth, parent, node, context), partial));
    }

    /// <summary>Asks every peer to compare the subtree at <paramref name="address"/> with ours.</summary>
    public async ValueTask SyncAsync(IReadOnlyList<string> address, CancellationToken cancellationToken)
    {
        Node node = address.Count == depth
            ? new TimestampNode(await store.Meta.GetTimestampAsync(address, cancellationToken).ConfigureAwait(false))
            : new HashNode(await GetHashAsync(address, cancellationToken).ConfigureAwait(false));
        var context = await hooks.GetSendContextAsync(Message.EmptyContext).ConfigureAwait(false);
        if (address.Count == 0)
        {
            context = await feed.AnnounceAsync(context).ConfigureAwait(false);
        }

        await sender.BroadcastAsync(new Message(depth, [.. address], node, context), forcePartial: false).ConfigureAwait(false);
    }

    /// <summary>Asks every peer to acknowledge what it has received from us (see <see cref="Acknowledgements"/>), sending our root hash.</summary>
    public async ValueTask RequestAcknowledgementAsync(string nonce)
    {
        var context = new Dictionary<string, Atom>(await feed.AnnounceAsync(await hooks.GetSendContextAsync(Message.EmptyContext).ConfigureAwait(false)).ConfigureAwait(false), StringComparer.Ordinal)
        {
            [Acknowledgements.RequestKey] = nonce,
        };
        await sender.BroadcastAsync(new Message(depth, [], new HashNode(await GetHashAsync([]).ConfigureAwait(false)), context), forcePartial: false).ConfigureAwait(false);
    }

    /// <summary>Tells the peer that everything it sent before its request is applied and committed, with our root hash.</summary>
    public async ValueTask AcknowledgeAsync(Transport transport, string to, string nonce, int failed)
    {
        var context = new Dictionary<string, Atom>(await feed.AnnounceAsync(Message.EmptyContext, feed.EpochOf(transport, to) ?? string.Empty).ConfigureAwait(false), StringComparer.Ordinal)
        {
            [Acknowledgements.ReplyKey] = nonce,
        };
        if (failed > 0)
        {
            context[Acknowledgements.FailedKey] = failed;
        }

        if (_refusals.TakeForAcknowledgement(to) is (> 0 and var count, { } first, var beforeHorizon))
        {
            context[Acknowledgements.RefusedKey] = count;
            context[Acknowledgements.RefusalKey] = first;
            if (beforeHorizon)
            {
                context[Acknowledgements.HorizonKey] = tombstones.Horizon;
            }
        }

        await sender.SendAsync(transport, to, new Message(depth, [], new HashNode(await GetHashAsync([]).ConfigureAwait(false)), context), forcePartial: false).ConfigureAwait(false);
    }

    /// <summary>
    /// A context to send with what a message applied or a reply, without the change feed's words a
    /// hook may have copied from the received one: they would tell the next peer of a feed it is
    /// not getting.
    /// </summary>
    private static IReadOnlyDictionary<string, Atom> WithoutFeedWords(IReadOnlyDictionary<string, Atom> context)
    {
        foreach (var key in context.Keys)
        {
            if (FeedWire.IsFeedKey(key))
            {
                return context.Where(entry => !FeedWire.IsFeedKey(entry.Key)).ToDictionary(StringComparer.Ordinal);
            }
        }

        return context; // Almost always: checked without a copy, as this runs for every message.
    }

    /// <summary>The hash of a parent (the root when empty).</summary>
    public ValueTask<uint> GetHashAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        store.GetHashAsync(address, cancellationToken);

    /// <summary>Transforms a node at an atom address: the reply (null for "nothing to say"), and whether their atom was applied.</summary>
    private async ValueTask<(Node? Reply, bool Applied)> TransformAtomAsync(IReadOnlyList<string> address, Node node, IReadOnlyDictionary<string, Atom> context, string? knownTimestamp = null)
    {
        var mine = knownTimestamp ?? await store.Meta.GetTimestampAsync(address).ConfigureAwait(false);
        var (theirs, atom) = node switch
        {
            TimestampNode timestamp => (timestamp.Timestamp, (Atom?)null),
            TimestampAndAtomNode pair => (pair.Timestamp, pair.Atom),
            _ => throw new ProtocolException("Only a timestamp or a [timestamp, atom] pair belongs at an atom address."),
        };

        var order = string.CompareOrdinal(theirs, mine);
        if (order == 0)
        {
            return (null, false);
        }

        if (order < 0)
        {
            return await hooks.CanReadAtomAsync(address, context).ConfigureAwait(false)
                ? (new TimestampAndAtomNode(mine, await store.Data.GetAtomAsync(address).ConfigureAwait(false)), false)
                : (null, false);
        }

        if (clock.IsTooFarAhead(theirs))
        {
            // Stamped further ahead of our wall clock than the drift bound: taking it in would
            // drag our clock (and every peer's) there. Refused, neither stored nor asked for; the
            // atom syncs once the sender's stamp is within the bound of our clock.
            _refusals.Refuse(RefusalKind.TooFarAhead, theirs);
            return (null, false);
        }

        if (tombstones.IsForgottenHere(mine, theirs))
        {
            // Maybe a row deleted here long ago, whose tombstone was collected: taking it in would
            // bring it back. Refused, neither stored nor asked for; the writer must rejoin.
            _refusals.Refuse(RefusalKind.BeforeHorizon, address);
            return (null, false);
        }

        if (atom is null)
        {
            return (new TimestampNode(mine), false); // Theirs is newer: ask for it by telling them ours.
        }

        var allowed = atom.Value.IsAbsent
            ? await hooks.CanRemoveAtomAsync(address, context).ConfigureAwait(false)
            : await hooks.CanWriteAtomAsync(address, atom.Value, context).ConfigureAwait(false);
        if (!allowed)
        {
            _refusals.Refuse(RefusalKind.ByHooks, address);
            return (null, false); // A refused write stores nothing, not even its timestamp.
        }

        if (store.StorageRules?.WhyNotStorable(address, atom.Value) is { } reason)
        {
            // This one atom cannot be kept here; its siblings in the message still are.
            _refusals.Refuse(RefusalKind.Unstorable, reason);
            return (null, false);
        }

        await WriteAsync(address, theirs, atom.Value, local: false, CancellationToken.None).ConfigureAwait(false);
        clock.Seen(theirs);
        return (null, true);
    }

    private async ValueTask TransformParentAsync(ReplyBuilder reply, Node node, IReadOnlyDictionary<string, Atom> context, IAppliedAtoms? propagation)
    {
        switch (node)
        {
            case HashNode hash:
                await ReplyToHashAsync(reply, hash.Hash, context).ConfigureAwait(false);
                break;
            case SubNodesNode subNodes:
                await TransformSubNodesAsync(reply, subNodes, context, propagation).ConfigureAwait(false);
                break;
            default:
                throw new ProtocolException("Only a hash or sub-nodes belong at a parent address.");
        }
    }

    /// <summary>
    /// A peer whose hash is 0 has nothing here (a new replica, say): rather than list our children
    /// and wait for it to ask for each, send everything at once. A JavaScript peer takes this as
    /// any sub-nodes reply. If the reply had to stream (partial messages) we follow it with our
    /// hash, so a peer whose 0 was a coincidence of XOR still gets to say what it has.
    /// </summary>
    private async ValueTask ReplyToEmptyPeerAsync(ReplyBuilder reply, Transport transport, string from, IReadOnlyDictionary<string, Atom> sendContext, IReadOnlyDictionary<string, Atom> context)
    {
        var mine = await GetHashAsync(reply.Path).ConfigureAwait(false);
        if (mine == 0)
        {
            return;
        }

        await AddFullNodesAsync(reply, context, except: null).ConfigureAwait(false);
        await reply.FinishAsync().ConfigureAwait(false);
        if (reply.Streamed)
        {
            await sender.SendAsync(transport, from, new Message(depth, reply.Path.ToArray(), new HashNode(mine), sendContext), forcePartial: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// True when the subtree below a parent at <paramref name="level"/> is read in one stream (see
    /// <see cref="ISubtreeReader"/>): the meta connector can, the parent is above the rows, and the
    /// hooks declare no read rules nor a sent-message observer (<see cref="DeclaredHooks.AllowStreaming"/>).
    /// </summary>
    private bool StreamsSubtreeBelow(int level, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ISubtreeReader? subtrees)
    {
        subtrees = _streams && level < depth - 1 ? store.Subtrees : null;
        return subtrees is not null;
    }

    /// <summary>A different hash: list each child with its hash (parents) or timestamp (atoms).</summary>
    private async ValueTask ReplyToHashAsync(ReplyBuilder reply, uint theirs, IReadOnlyDictionary<string, Atom> context)
    {
        var path = reply.Path;
        if (theirs == await GetHashAsync(path).ConfigureAwait(false))
        {
            return;
        }

        reply.EnsureList();
        var messagesBefore = reply.MessagesSent;
        var listed = 0u; // The XOR of what the listing names: our hash, or what of it the hooks let the peer see.
        var ids = await ChildIdsAsync(path, context).ConfigureAwait(false);
        if (path.Count == depth - 1)
        {
            var timestamps = await store.ReadTimestampsAsync(path, ids).ConfigureAwait(false);
            foreach (var id in ids)
            {
                var timestamp = timestamps[id];
                listed ^= timestamp.Length == 0 ? 0 : Fnv1a.Hash(timestamp);
                await reply.AddAsync(id, new TimestampNode(timestamp)).ConfigureAwait(false);
            }
        }
        else
        {
            // Listing rows whose hashes a connector computes from their timestamps: read those a
            // message's worth of rows at a time, one query each, rather than one query a row.
            var prefetch = path.Count == depth - 2;
            foreach (var chunk in ids.Chunk(maxNodesPerMessage))
            {
                if (prefetch)
                {
                    await store.PrefetchAsync(path, chunk).ConfigureAwait(false);
                }

                foreach (var id in chunk)
                {
                    path.Add(id);
                    var hash = await GetHashAsync(path).ConfigureAwait(false);
                    path.RemoveAt(path.Count - 1);
                    listed ^= hash;
                    await reply.AddAsync(id, new HashNode(hash)).ConfigureAwait(false);
                }
            }
        }

        if (reply.MessagesSent != messagesBefore)
        {
            reply.AddSplitListing(listed); // Its parts are partial: a follow-up hash tells the peer it has them all.
        }
    }

    private async ValueTask TransformSubNodesAsync(ReplyBuilder reply, SubNodesNode theirs, IReadOnlyDictionary<string, Atom> context, IAppliedAtoms? propagation)
    {
        var path = reply.Path;
        if (theirs.Partial)
        {
            reply.MarkPartial(); // A reply to a partial list stays partial (docs/protocol.md, "Allowed improvements").
        }
        else
        {
            await AddFullNodesAsync(reply, context, except: theirs.Children.Keys).ConfigureAwait(false);
        }

        var atomLevel = path.Count == depth - 1;
        if (path.Count == depth - 2 && theirs.Children.Count > 1)
        {
            await store.PrefetchAsync(path, theirs.Children.Keys).ConfigureAwait(false);
        }

        // One read for the row's timestamps rather than one per atom, when the connector can.
        var mine = atomLevel ? await store.TryReadTimestampsAsync(path).ConfigureAwait(false) : null;
        foreach (var (id, child) in theirs.Children)
        {
            if (atomLevel)
            {
                path.Add(id);
                var known = mine is null ? null : mine.TryGetValue(id, out var timestamp) ? timestamp : Timestamp.None;
                var (result, applied) = await TransformAtomAsync(path, child, context, known).ConfigureAwait(false);
                if (applied && propagation is not null)
                {
                    await propagation.AddAtAsync(path, (TimestampAndAtomNode)child).ConfigureAwait(false); // Applied: it carried an atom.
                }

                path.RemoveAt(path.Count - 1);
                if (result is null)
                {
                    reply.MarkPartial();
                }
                else
                {
                    await reply.AddAsync(id, result).ConfigureAwait(false);
                }
            }
            else
            {
                reply.Enter(id);
                await TransformParentAsync(reply, child, context, propagation).ConfigureAwait(false);
                if (!reply.Leave())
                {
                    reply.MarkPartial();
                }
            }
        }
    }

    /// <summary>Adds our full nodes (every atom with its timestamp) for each child at the cursor not in <paramref name="except"/>.</summary>
    private async ValueTask AddFullNodesAsync(ReplyBuilder reply, IReadOnlyDictionary<string, Atom> context, ICollection<string>? except)
    {
        var path = reply.Path;
        if (StreamsSubtreeBelow(path.Count, out var subtrees))
        {
            await AddFullSubtreeAsync(reply, except, subtrees.ReadSubtreeAsync(path.ToArray())).ConfigureAwait(false);
            return;
        }

        await AddFullNodesChildByChildAsync(reply, context, except).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="AddFullNodesAsync"/>, reading child by child: where most children are left out, as
    /// when only those a peer's listing did not name are wanted, a read of the whole subtree would
    /// go through every atom to keep a few.
    /// </summary>
    private async ValueTask AddFullNodesChildByChildAsync(ReplyBuilder reply, IReadOnlyDictionary<string, Atom> context, ICollection<string>? except)
    {
        var path = reply.Path;
        var ids = await ChildIdsAsync(path, context).ConfigureAwait(false);
        if (path.Count == depth - 1)
        {
            var timestamps = await store.ReadTimestampsAsync(path, ids).ConfigureAwait(false);
            var atoms = await store.ReadAtomsAsync(path, ids).ConfigureAwait(false);
            foreach (var id in ids)
            {
                if (except is not null && except.Contains(id))
                {
                    continue;
                }

                path.Add(id);
                var readable = await hooks.CanReadAtomAsync(path, context).ConfigureAwait(false);
                path.RemoveAt(path.Count - 1);
                if (readable)
                {
                    await reply.AddAsync(id, new TimestampAndAtomNode(timestamps[id], atoms.TryGetValue(id, out var atom) ? atom : Atom.Absent)).ConfigureAwait(false);
                }
            }

            return;
        }

        foreach (var id in ids)
        {
            if (except is not null && except.Contains(id))
            {
                continue;
            }

            reply.Enter(id);
            reply.EnsureList();
            await AddFullNodesAsync(reply, context, except: null).ConfigureAwait(false);
            reply.Leave();
        }
    }

    /// <summary>
    /// Full nodes for the subtree below the cursor, from its atoms as a <see cref="ISubtreeReader"/>
    /// streams them (only when the hooks declare no read rules, so every atom may be read); the cursor ends
    /// where it started. A subtree that fits in one message goes into the reply like any other
    /// node. A longer one (an initial sync) is written straight to text in partial messages of its
    /// own, the same text the builder would have streamed: building a tree of nodes per message
    /// cost more than writing the text.
    /// </summary>
    private async ValueTask AddFullSubtreeAsync(ReplyBuilder reply, ICollection<string>? except, IAsyncEnumerable<SubtreeAtom> subtree)
    {
        var level = reply.Path.Count;
        var atoms = subtree.GetAsyncEnumerator();
        await using (atoms.ConfigureAwait(false))
        {
            var firstMessage = new List<SubtreeAtom>();
            while (firstMessage.Count < maxNodesPerMessage && await NextWantedAsync(atoms, except, level).ConfigureAwait(false))
            {
                firstMessage.Add(atoms.Current);
            }

            var text = firstMessage.Count < maxNodesPerMessage ? null : reply.NewTextWriter();
            if (text is null)
            {
                // Nothing below is nothing to say: an empty list would ask the peer for its full
                // nodes, and a peer with none either (both sides emptied by tombstone collection)
                // would answer with an empty list again, forever.
                if (firstMessage.Count > 0)
                {
                    reply.EnsureList();
                }

                foreach (var (address, timestamp, atom) in firstMessage)
                {
                    await reply.AddAtAsync(address, new TimestampAndAtomNode(timestamp, atom)).ConfigureAwait(false);
                }

                while (await NextWantedAsync(atoms, except, level).ConfigureAwait(false))
                {
                    var (address, timestamp, atom) = atoms.Current;
                    await reply.AddAtAsync(address, new TimestampAndAtomNode(timestamp, atom)).ConfigureAwait(false);
                }

                while (reply.Path.Count > level)
                {
                    reply.Leave();
                }

                return;
            }

            foreach (var (address, timestamp, atom) in firstMessage)
            {
                await text.AddAsync(address, timestamp, atom).ConfigureAwait(false);
            }

            while (await NextWantedAsync(atoms, except, level).ConfigureAwait(false))
            {
                var (address, timestamp, atom) = atoms.Current;
                await text.AddAsync(address, timestamp, atom).ConfigureAwait(false);
            }

            await text.FinishAsync().ConfigureAwait(false);
            reply.MarkStreamed();
        }
    }

    /// <summary>Moves to the subtree's next atom whose child of the cursor (at <paramref name="level"/>) is not in <paramref name="except"/>.</summary>
    private static async ValueTask<bool> NextWantedAsync(IAsyncEnumerator<SubtreeAtom> atoms, ICollection<string>? except, int level)
    {
        while (await atoms.MoveNextAsync().ConfigureAwait(false))
        {
            if (except is null || !except.Contains(atoms.Current.Address[level]))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<IReadOnlyCollection<string>> ChildIdsAsync(List<string> path, IReadOnlyDictionary<string, Atom> context)
    {
        var ids = await store.Meta.GetChildIdsAsync(path).ConfigureAwait(false);
        return await hooks.FilterChildIdsAsync(path, ids, context).ConfigureAwait(false);
    }

    private async ValueTask WriteAsync(IReadOnlyList<string> address, string timestamp, Atom atom, bool local, CancellationToken cancellationToken)
    {
        sender.Writing();
        if (atom.IsAbsent)
        {
            await store.Data.RemoveAtomAsync(address, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await store.Data.SetAtomAsync(address, atom, cancellationToken).ConfigureAwait(false);
        }

        await store.Meta.SetTimestampAsync(address, timestamp, cancellationToken).ConfigureAwait(false);
        hooks.OnSetAtom(address, atom);
        changes.Record(address, atom);
        metrics.Written(local);
    }
}
