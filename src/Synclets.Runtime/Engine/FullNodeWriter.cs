using System.Buffers;
using System.Text;
using Synclets.Protocol;

namespace Synclets;

/// <summary>
/// Writes full nodes (atoms with their timestamps, grouped by parent) straight to message text,
/// <c>maxNodes</c> atoms a message, every list partial: the text a <see cref="ReplyBuilder"/>
/// streams for the same atoms, written as if each list were split. It writes a long run of full nodes in a
/// reply (a subtree, as a <see cref="Connectors.ISubtreeReader"/> streams it, for a peer that has
/// none of it, where a whole list would ask the peer for nothing more) and what a received message
/// applied, sent on to the other peers (always partial). The builder keeps a tree of nodes per
/// message and then writes it; for the initial sync of a large store, building those trees cost
/// more than writing the text. The words of the text (pairs, lists, keys) are
/// <see cref="MessageWriter"/>'s: this writer only decides where lists open and close.
/// </summary>
/// <remarks>
/// Atoms must come grouped by parent (each parent's subtree contiguous), as the subtree reader
/// promises and a received message's walk gives: a list is closed when the stream moves past it
/// and is never reopened in the same message. A list whose integer-like ids (<c>"2"</c>,
/// <c>"10"</c>) come out of <c>JSON.stringify</c>'s order (see <see cref="JavaScriptKeyOrder"/>)
/// makes its message be read back and written again in that order, as does a base address that
/// <see cref="MessageWriter"/> must rewrite for JavaScript (an id that is U+FFFC alone): rare, and
/// so kept off the stream's fast path.
/// </remarks>
internal sealed class FullNodeWriter : IAppliedAtoms
{
    private readonly string _start;
    private readonly string _end;
    private readonly int _depth;
    private readonly bool _baseHasMarkerId;
    private readonly int _baseLength;
    private readonly int _maxNodes;
    private readonly Func<ReadOnlyMemory<char>, ValueTask> _send;

    // The ids of the lists open below the base list, outermost first, and for the base list and
    // each of those what has been written in it so far.
    private readonly List<string> _open = [];
    private readonly List<ListSoFar> _lists = [];
    private int _atomsInMessage;
    private bool _rewriteForJavaScript; // This message must be read back and written again (see the remarks).

    // The message being written, in a builder taken from the thread's cache for the message and
    // given back once it is sent: a writer is made per received message (to send on what it
    // applied), and each growing a builder of its own to ~100 KB allocated more than the text.
    private StringBuilder _text = null!;

    /// <param name="depth">The tree's depth.</param>
    /// <param name="baseAddress">The address the reply is about (the parent of the subtree).</param>
    /// <param name="context">The context every message carries.</param>
    /// <param name="maxNodes">How many atoms one message may hold.</param>
    /// <param name="send">Sends one message's text, which is only valid until the returned task completes.</param>
    public FullNodeWriter(int depth, IReadOnlyList<string> baseAddress, IReadOnlyDictionary<string, Atom> context, int maxNodes, Func<ReadOnlyMemory<char>, ValueTask> send)
    {
        var text = TextBuilderCache.Acquire();
        MessageWriter.WriteStart(text, depth, baseAddress);
        _start = text.ToString();
        text.Clear();
        MessageWriter.WriteEnd(text, context);
        _end = text.ToString();
        TextBuilderCache.Release(text);
        _depth = depth;
        _baseHasMarkerId = MessageWriter.HasMarkerId(baseAddress);
        _baseLength = baseAddress.Count;
        _maxNodes = maxNodes;
        _send = send;
    }

    /// <summary>Adds one atom with its timestamp, sending the message when it is full.</summary>
    public ValueTask AddAsync(IReadOnlyList<string> address, string timestamp, Atom atom)
    {
        if (_atomsInMessage == 0)
        {
            BeginMessage();
        }

        // Close the lists the stream has moved past, and open the ones down to the atom's parent.
        var parentLevels = address.Count - 1 - _baseLength;
        var common = 0;
        while (common < _open.Count && common < parentLevels && string.Equals(_open[common], address[_baseLength + common], StringComparison.Ordinal))
        {
            common++;
        }

        while (_open.Count > common)
        {
            CloseList();
        }

        while (_open.Count < parentLevels)
        {
            OpenList(address[_baseLength + _open.Count]);
        }

        WriteKey(address[^1]);
        MessageWriter.WritePair(_text, timestamp, atom);
        return ++_atomsInMessage >= _maxNodes ? SendMessageAsync() : ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask AddAtAsync(IReadOnlyList<string> address, TimestampAndAtomNode node) => AddAsync(address, node.Timestamp, node.Atom);

    /// <summary>Sends what is left, if anything.</summary>
    public ValueTask FinishAsync() => _atomsInMessage > 0 ? SendMessageAsync() : ValueTask.CompletedTask;

    private void BeginMessage()
    {
        _text = TextBuilderCache.Acquire().Append(_start);
        MessageWriter.OpenList(_text);
        _open.Clear();
        _lists.Clear();
        _lists.Add(default);
        _rewriteForJavaScript = _baseHasMarkerId;
    }

    private void OpenList(string id)
    {
        WriteKey(id);
        MessageWriter.OpenList(_text);
        _open.Add(id);
        _lists.Add(default);
    }

    private void CloseList()
    {
        MessageWriter.CloseList(_text, partial: true);
        _open.RemoveAt(_open.Count - 1);
        _lists.RemoveAt(_lists.Count - 1);
    }

    private void WriteKey(string id)
    {
        var list = _lists[^1];

        // JavaScript writes integer-like ids first, in ascending order: one after another kind of id,
        // or after a greater one, means this message must be written again in that order.
        if (JavaScriptKeyOrder.IsArrayIndex(id, out var index))
        {
            _rewriteForJavaScript |= list.HasOtherIds || (list.HasIndexIds && index <= list.LastIndex);
            list = list with { HasIndexIds = true, LastIndex = index };
        }
        else
        {
            list = list with { HasOtherIds = true };
        }

        MessageWriter.WriteKey(_text, id, first: !list.HasChildren);
        _lists[^1] = list with { HasChildren = true };
    }

    private async ValueTask SendMessageAsync()
    {
        while (_open.Count > 0)
        {
            CloseList();
        }

        MessageWriter.CloseList(_text, partial: true);
        _text.Append(_end);
        _atomsInMessage = 0;
        var text = _text;
        _text = null!;
        try
        {
            if (_rewriteForJavaScript)
            {
                await SendInJavaScriptOrderAsync(text).ConfigureAwait(false);
            }
            else
            {
                await SendAsync(text).ConfigureAwait(false);
            }
        }
        finally
        {
            TextBuilderCache.Release(text);
        }
    }

    /// <summary>Reads the message back and writes it again, the writer putting each list's ids in JavaScript's order (and the address in words it reads right).</summary>
    private ValueTask SendInJavaScriptOrderAsync(StringBuilder text)
    {
        var message = MessageReader.Read(text.ToString(), _depth);
        return _send(MessageWriter.Write(message).AsMemory());
    }

    /// <summary>
    /// Hands the text on without making a string of it (100 KB and more in an initial sync, which
    /// would go to the large-object heap each time): a reused builder usually holds a message in
    /// one chunk, sent as it is; otherwise it is copied into a pooled array.
    /// </summary>
    private async ValueTask SendAsync(StringBuilder text)
    {
        var chunks = text.GetChunks();
        if (chunks.MoveNext() && chunks.Current.Length == text.Length)
        {
            await _send(chunks.Current).ConfigureAwait(false);
            return;
        }

        var buffer = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            text.CopyTo(0, buffer, text.Length);
            await _send(buffer.AsMemory(0, text.Length)).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>What has been written in one open list of the message.</summary>
    /// <param name="HasChildren">Some child was written (so the next one needs a comma).</param>
    /// <param name="HasIndexIds">Some child's id was integer-like.</param>
    /// <param name="HasOtherIds">Some child's id was not.</param>
    /// <param name="LastIndex">The last integer-like id written, as a number.</param>
    private readonly record struct ListSoFar(bool HasChildren, bool HasIndexIds, bool HasOtherIds, uint LastIndex);
}
