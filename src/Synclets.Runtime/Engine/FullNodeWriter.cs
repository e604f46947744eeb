using System.Text;
using Synclets.Protocol;

namespace Synclets;

/// <summary>
/// Writes full nodes (atoms with their timestamps, grouped by parent) straight to message text,
/// <c>maxNodes</c> atoms a message, every list partial: the same text a <see cref="ReplyBuilder"/>
/// streams for the same atoms. It writes the long reply to an empty peer (a subtree as a
/// <see cref="Connectors.ISubtreeReader"/> streams it) and what a received message applied, sent
/// on to the other peers. The builder keeps a tree of nodes per message and then writes it; for
/// the initial sync of a large store, building those trees cost more than writing the text.
/// </summary>
/// <remarks>
/// Atoms must come grouped by parent (each parent's subtree contiguous), as the subtree reader
/// promises and a received message's walk gives: a list is closed when the stream moves past it
/// and is never reopened in the same message.
/// </remarks>
internal sealed class FullNodeWriter : IAppliedAtoms
{
    private const string PartialListEnd = "},1]";

    private readonly StringBuilder _text = new();
    private readonly string _start;
    private readonly string _end;
    private readonly int _baseLength;
    private readonly int _maxNodes;
    private readonly Func<ReadOnlyMemory<char>, ValueTask> _send;

    // The ids of the lists open below the base list, outermost first, and for the base list and
    // each of those whether a child has been written in it yet (so the next one needs a comma).
    private readonly List<string> _open = [];
    private readonly List<bool> _hasChildren = [];
    private int _atomsInMessage;

    // Each message's text is handed on from this one buffer: a send is awaited before the next
    // message is written, and a string per message (100 KB and more in an initial sync) would go
    // to the large-object heap each time.
    private char[] _sendBuffer = [];

    /// <param name="depth">The tree's depth.</param>
    /// <param name="baseAddress">The address the reply is about (the parent of the subtree).</param>
    /// <param name="context">The context every message carries.</param>
    /// <param name="maxNodes">How many atoms one message may hold.</param>
    /// <param name="send">Sends one message's text, which is only valid until the returned task completes.</param>
    public FullNodeWriter(int depth, IReadOnlyList<string> baseAddress, IReadOnlyDictionary<string, Atom> context, int maxNodes, Func<ReadOnlyMemory<char>, ValueTask> send)
    {
        MessageWriter.WriteStart(_text, depth, baseAddress);
        _start = _text.ToString();
        _text.Clear();
        MessageWriter.WriteEnd(_text, context);
        _end = _text.ToString();
        _text.Clear();
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
        _text.Append('[');
        JsonText.WriteString(_text, timestamp);
        _text.Append(',');
        JsonText.WriteAtom(_text, atom);
        _text.Append(']');
        return ++_atomsInMessage >= _maxNodes ? SendMessageAsync() : ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask AddAtAsync(IReadOnlyList<string> address, TimestampAndAtomNode node) => AddAsync(address, node.Timestamp, node.Atom);

    /// <summary>Sends what is left, if anything.</summary>
    public ValueTask FinishAsync() => _atomsInMessage > 0 ? SendMessageAsync() : ValueTask.CompletedTask;

    private void BeginMessage()
    {
        _text.Clear().Append(_start).Append("[{");
        _open.Clear();
        _hasChildren.Clear();
        _hasChildren.Add(false);
    }

    private void OpenList(string id)
    {
        WriteKey(id);
        _text.Append("[{");
        _open.Add(id);
        _hasChildren.Add(false);
    }

    private void CloseList()
    {
        _text.Append(PartialListEnd);
        _open.RemoveAt(_open.Count - 1);
        _hasChildren.RemoveAt(_hasChildren.Count - 1);
    }

    private void WriteKey(string id)
    {
        if (_hasChildren[^1])
        {
            _text.Append(',');
        }

        _hasChildren[^1] = true;
        JsonText.WriteString(_text, id);
        _text.Append(':');
    }

    private ValueTask SendMessageAsync()
    {
        while (_open.Count > 0)
        {
            CloseList();
        }

        _text.Append(PartialListEnd).Append(_end);
        _atomsInMessage = 0;
        if (_sendBuffer.Length < _text.Length)
        {
            _sendBuffer = new char[Math.Max(_text.Length, _sendBuffer.Length * 2)];
        }

        _text.CopyTo(0, _sendBuffer, _text.Length);
        return _send(_sendBuffer.AsMemory(0, _text.Length));
    }
}
