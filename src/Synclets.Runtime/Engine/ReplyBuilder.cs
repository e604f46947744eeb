using Synclets.Protocol;

namespace Synclets;

/// <summary>
/// Builds the sub-nodes reply to one message while the protocol walks the tree, and streams it:
/// once it holds <c>maxNodes</c> nodes, what it has goes out as a message and building goes on in
/// a fresh tree. The lists open at that moment (the cursor's path) are split between messages, so
/// they are marked partial, in this message and the next: neither part names every child. A list
/// that begins and ends within one message keeps its own flag, so an empty list still says "I
/// have nothing here, send me all of yours".
/// </summary>
/// <remarks>
/// The walk enters and leaves child ids like a cursor; lists are created only when something is
/// added below them, so a walk that finds nothing to say leaves no trace.
/// </remarks>
internal sealed class ReplyBuilder : IAppliedAtoms
{
    private readonly List<string> _path;
    private readonly int _baseLength;
    private readonly List<Frame> _frames = [];
    private readonly int _maxNodes;
    private readonly bool _alwaysPartial;
    private readonly Func<SubNodesNode, bool, ValueTask> _send;
    private readonly Func<FullNodeWriter>? _newTextWriter;

    // Lists at one level tend to have as many children as each other (the columns of rows, a
    // batch of rows): each new list is sized like the last one at its level, so it rarely grows.
    private readonly List<int> _lastCounts = [];
    private readonly List<(string[] Address, uint ListedHash)> _splitListings = [];
    private long _added;
    private int _nodesInBatch;
    private int _flushes;

    /// <param name="baseAddress">The address the reply is about.</param>
    /// <param name="maxNodes">How many nodes one message may hold.</param>
    /// <param name="alwaysPartial">Every list is partial (for propagating changes, which never name everything).</param>
    /// <param name="send">Sends one message of the reply: its root list, and whether to mark every list partial.</param>
    /// <param name="newTextWriter">
    /// Makes a writer that sends full nodes to the same peer as text (see <see cref="NewTextWriter"/>);
    /// null when the reply must go through <paramref name="send"/> (custom hooks watch every message).
    /// </param>
    public ReplyBuilder(IReadOnlyList<string> baseAddress, int maxNodes, bool alwaysPartial, Func<SubNodesNode, bool, ValueTask> send, Func<FullNodeWriter>? newTextWriter = null)
    {
        _path = [.. baseAddress];
        _baseLength = baseAddress.Count;
        _maxNodes = maxNodes;
        _alwaysPartial = alwaysPartial;
        _send = send;
        _newTextWriter = newTextWriter;
        _frames.Add(new Frame(string.Empty, _added, alwaysPartial));
    }

    /// <summary>The absolute address of the cursor; pass it to connectors (it is reused, so copy it to keep it).</summary>
    public List<string> Path => _path;

    /// <summary>True once part of the reply has been sent.</summary>
    public bool Streamed { get; private set; }

    /// <summary>
    /// A writer for a long run of full nodes in this reply, sent as partial messages of their own
    /// (an initial sync's hundreds of messages, written straight to text instead of as trees of
    /// nodes); null when this reply has none. Once it has sent, call <see cref="MarkStreamed"/>.
    /// </summary>
    public FullNodeWriter? NewTextWriter() => _newTextWriter?.Invoke();

    /// <summary>Records that part of the reply went out in messages of its own, so the lists open at the cursor are partial.</summary>
    public void MarkStreamed()
    {
        MarkOpenListsPartial();
        Streamed = true;
    }

    /// <summary>How many messages the reply has sent so far; a list whose walk saw this change was split between messages.</summary>
    public int MessagesSent => _flushes;

    /// <summary>
    /// The listings (children with their hashes or timestamps, answering a hash) that were split
    /// between messages, so the peer could not tell from them what we lack, each with the XOR of
    /// the hashes it named: each gets that as a follow-up hash once the reply is sent (see
    /// <see cref="ListingRecords"/>).
    /// </summary>
    public IReadOnlyList<(string[] Address, uint ListedHash)> SplitListings => _splitListings;

    /// <summary>Records that the listing at the cursor, naming hashes whose XOR is <paramref name="listedHash"/>, was split between messages.</summary>
    public void AddSplitListing(uint listedHash) => _splitListings.Add(([.. _path], listedHash));

    private Frame Current => _frames[^1];

    /// <summary>Moves the cursor down to child <paramref name="id"/>.</summary>
    public void Enter(string id)
    {
        _path.Add(id);
        _frames.Add(new Frame(id, _added, _alwaysPartial));
    }

    /// <summary>Moves the cursor back up; returns whether anything was added below the child left.</summary>
    public bool Leave()
    {
        var frame = Current;
        Remember(_frames.Count - 1, frame);
        _frames.RemoveAt(_frames.Count - 1);
        _path.RemoveAt(_path.Count - 1);
        return _added != frame.AddedAtEnter;
    }

    /// <summary>Marks the list at the cursor partial: it will not name every child.</summary>
    public void MarkPartial()
    {
        var frame = Current;
        frame.Partial = true;
        if (frame.Node is not null)
        {
            frame.Node.Partial = true;
        }
    }

    /// <summary>Makes the list at the cursor exist even if it stays empty (an empty list is an answer).</summary>
    public void EnsureList()
    {
        Materialize();
        _added++;
    }

    /// <summary>Adds a child node to the list at the cursor, streaming out a batch when it is full.</summary>
    public ValueTask AddAsync(string id, Node node)
    {
        Materialize().Children[id] = node;
        _added++;
        return ++_nodesInBatch >= _maxNodes ? FlushAsync() : ValueTask.CompletedTask;
    }

    /// <summary>Adds an atom-level node at an absolute address below the base, moving the cursor there.</summary>
    public ValueTask AddAtAsync(IReadOnlyList<string> address, Node node)
    {
        var common = _baseLength;
        while (common < _path.Count && common < address.Count - 1 && string.Equals(_path[common], address[common], StringComparison.Ordinal))
        {
            common++;
        }

        while (_path.Count > common)
        {
            Leave();
        }

        for (var level = common; level < address.Count - 1; level++)
        {
            Enter(address[level]);
        }

        return AddAsync(address[^1], node);
    }

    ValueTask IAppliedAtoms.AddAtAsync(IReadOnlyList<string> address, TimestampAndAtomNode node) => AddAtAsync(address, node);

    /// <summary>Sends what is left of the reply, if it names anything.</summary>
    public async ValueTask FinishAsync()
    {
        if (_frames[0].Node is not null)
        {
            await _send(_frames[0].Node!, _alwaysPartial).ConfigureAwait(false);
            Reset();
        }
    }

    private async ValueTask FlushAsync()
    {
        MarkOpenListsPartial();
        var root = _frames[0].Node!;
        Streamed = true;
        _flushes++;
        Reset();
        await _send(root, _alwaysPartial).ConfigureAwait(false);
    }

    /// <summary>The lists on the cursor's path go on in another message: partial here and there.</summary>
    private void MarkOpenListsPartial()
    {
        foreach (var frame in _frames)
        {
            frame.Partial = true;
            if (frame.Node is not null)
            {
                frame.Node.Partial = true;
            }
        }
    }

    private void Reset()
    {
        for (var level = 0; level < _frames.Count; level++)
        {
            Remember(level, _frames[level]);
            _frames[level].Node = null;
        }

        _nodesInBatch = 0;
    }

    private SubNodesNode Materialize()
    {
        var first = _frames.Count - 1;
        while (first > 0 && _frames[first].Node is null)
        {
            first--;
        }

        if (_frames[first].Node is null)
        {
            _frames[first].Node = NewList(first, _frames[first].Partial);
        }

        for (var i = first + 1; i < _frames.Count; i++)
        {
            var frame = _frames[i];
            var parent = _frames[i - 1].Node!;
            if (parent.Children.TryGetValue(frame.Id, out var existing) && existing is SubNodesNode list)
            {
                frame.Node = list;
            }
            else
            {
                frame.Node = NewList(i, frame.Partial);
                parent.Children[frame.Id] = frame.Node;
            }
        }

        return Current.Node!;
    }

    private SubNodesNode NewList(int level, bool partial) =>
        new(new Dictionary<string, Node>(level < _lastCounts.Count ? _lastCounts[level] : 0, StringComparer.Ordinal), partial);

    private void Remember(int level, Frame frame)
    {
        if (frame.Node is null)
        {
            return;
        }

        while (_lastCounts.Count <= level)
        {
            _lastCounts.Add(0);
        }

        _lastCounts[level] = Math.Min(frame.Node.Children.Count, _maxNodes);
    }

    private sealed class Frame(string id, long addedAtEnter, bool partial)
    {
        public string Id { get; } = id;

        public long AddedAtEnter { get; } = addedAtEnter;

        public bool Partial { get; set; } = partial;

        public SubNodesNode? Node { get; set; }
    }
}
