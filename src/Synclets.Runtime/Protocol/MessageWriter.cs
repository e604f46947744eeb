using System.Globalization;
using System.Text;

namespace Synclets.Protocol;

/// <summary>Turns a <see cref="Message"/> into the exact JSON text a JavaScript Synclets peer writes.</summary>
public static class MessageWriter
{
    /// <summary>Writes the message as JSON text.</summary>
    /// <param name="message">The message.</param>
    /// <param name="forcePartial">Marks every sub-nodes list partial; used when one reply streams as several messages.</param>
    public static string Write(Message message, bool forcePartial = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (address, node) = WithoutMarkerIds(message.Address, message.Node);
        var builder = TextBuilderCache.Acquire();
        WriteStart(builder, message.Depth, address);
        WriteNode(builder, node, forcePartial);
        WriteEnd(builder, message.Context);
        var text = builder.ToString();
        TextBuilderCache.Release(builder);
        return text;
    }

    /// <summary>True when an id of <paramref name="address"/> is U+FFFC alone (see <see cref="WithoutMarkerIds"/>).</summary>
    internal static bool HasMarkerId(IReadOnlyList<string> address) => FirstMarkerId(address) >= 0;

    /// <summary>The level of the first id of <paramref name="address"/> that is U+FFFC alone; -1 when none is.</summary>
    private static int FirstMarkerId(IReadOnlyList<string> address)
    {
        for (var level = 0; level < address.Count; level++)
        {
            if (address[level] == JsonText.AbsentMarker)
            {
                return level;
            }
        }

        return -1;
    }

    /// <summary>
    /// The address and node to write, with no id in the address that is U+FFFC alone. A JavaScript
    /// peer's parser takes that string, wherever it is a value, for its "undefined" marker, so an
    /// address holding it names a child "undefined" there (which it would then sync back as a
    /// row of its own); object keys are not revived. Such a message is written about the parent of
    /// the first such id, the rest of its address becoming partial lists of one child each: the
    /// same statement to every receiver, in words a JavaScript peer reads right.
    /// </summary>
    private static (IReadOnlyList<string> Address, Node Node) WithoutMarkerIds(IReadOnlyList<string> address, Node node)
    {
        var first = FirstMarkerId(address);
        if (first < 0)
        {
            return (address, node);
        }

        for (var level = address.Count - 1; level >= first; level--)
        {
            node = new SubNodesNode(new Dictionary<string, Node>(StringComparer.Ordinal) { [address[level]] = node }, partial: true);
        }

        return ([.. address.Take(first)], node);
    }

    /// <summary>Writes what comes before a message's node: the header and the address, up to the comma before the node.</summary>
    internal static void WriteStart(StringBuilder builder, int depth, IReadOnlyList<string> address)
    {
        builder.Append('[').Append(Message.CurrentVersion).Append(',').Append(Message.SyncType).Append(',')
            .Append(depth.ToString(CultureInfo.InvariantCulture)).Append(",[");
        for (var i = 0; i < address.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            JsonText.WriteString(builder, address[i]);
        }

        builder.Append("],");
    }

    /// <summary>Writes what comes after a message's node: the context, and the closing bracket.</summary>
    internal static void WriteEnd(StringBuilder builder, IReadOnlyDictionary<string, Atom> context)
    {
        builder.Append(",{");
        var first = true;
        IEnumerable<KeyValuePair<string, Atom>> ordered = JavaScriptKeyOrder.NeedsReordering(context) ? JavaScriptKeyOrder.Reordered(context) : context;
        foreach (var (key, atom) in ordered)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            JsonText.WriteString(builder, key);
            builder.Append(':');
            JsonText.WriteAtom(builder, atom);
        }

        builder.Append("}]");
    }

    private static void WriteNode(StringBuilder builder, Node node, bool forcePartial)
    {
        switch (node)
        {
            case TimestampNode timestamp:
                JsonText.WriteString(builder, timestamp.Timestamp);
                break;
            case TimestampAndAtomNode pair:
                WritePair(builder, pair.Timestamp, pair.Atom);
                break;
            case HashNode hash:
                builder.Append(hash.Hash);
                break;
            case SubNodesNode subNodes:
                OpenList(builder);
                var first = true;
                if (JavaScriptKeyOrder.NeedsReordering(subNodes.Children))
                {
                    foreach (var (id, child) in JavaScriptKeyOrder.Reordered(subNodes.Children))
                    {
                        WriteChild(builder, id, child, ref first, forcePartial);
                    }
                }
                else
                {
                    foreach (var (id, child) in subNodes.Children)
                    {
                        WriteChild(builder, id, child, ref first, forcePartial); // The common case, on the dictionary's own enumerator.
                    }
                }

                CloseList(builder, subNodes.Partial || forcePartial);
                break;
            default:
                throw new ArgumentException($"Unknown node kind {node.GetType().Name}.", nameof(node));
        }
    }

    /// <summary>Writes one <c>"id":node</c> pair, after a comma unless it is the first.</summary>
    private static void WriteChild(StringBuilder builder, string id, Node child, ref bool first, bool forcePartial)
    {
        WriteKey(builder, id, first);
        first = false;
        WriteNode(builder, child, forcePartial);
    }

    // The words of a node's text, shared with the writer that streams full nodes (FullNodeWriter),
    // so that the wire's grammar is written down here only.

    /// <summary>Writes a full node: <c>[timestamp,atom]</c>.</summary>
    internal static void WritePair(StringBuilder builder, string timestamp, Atom atom)
    {
        builder.Append('[');
        JsonText.WriteString(builder, timestamp);
        builder.Append(',');
        JsonText.WriteAtom(builder, atom);
        builder.Append(']');
    }

    /// <summary>Opens a sub-nodes list: <c>[{</c>.</summary>
    internal static void OpenList(StringBuilder builder) => builder.Append("[{");

    /// <summary>Closes a sub-nodes list: <c>}]</c>, or <c>},1]</c> when it is partial.</summary>
    internal static void CloseList(StringBuilder builder, bool partial) => builder.Append(partial ? "},1]" : "}]");

    /// <summary>Writes a child's <c>"id":</c>, after a comma unless it is the list's first.</summary>
    internal static void WriteKey(StringBuilder builder, string id, bool first)
    {
        if (!first)
        {
            builder.Append(',');
        }

        JsonText.WriteString(builder, id);
        builder.Append(':');
    }
}
