using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Synclets.Protocol;

/// <summary>
/// Parses and validates a message's JSON text (any valid JSON, not only what JavaScript writes)
/// for a synclet of a given depth. Everything wrong is a <see cref="ProtocolException"/> that says what.
/// </summary>
internal static class MessageReader
{
    /// <summary>Parses <paramref name="text"/> as a message for a tree of <paramref name="depth"/>.</summary>
    /// <exception cref="ProtocolException">The text is not valid JSON or not a valid message for this depth.</exception>
    public static Message Read(string text, int depth)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Read(text.AsSpan(), depth);
    }

    /// <summary>Parses <paramref name="text"/> (a message's characters, say a slice of the packet that carried it) as a message for a tree of <paramref name="depth"/>.</summary>
    /// <exception cref="ProtocolException">The text is not valid JSON or not a valid message for this depth.</exception>
    public static Message Read(ReadOnlySpan<char> text, int depth)
    {
        // Streamed replies run to ~100 KB a message: a pooled buffer keeps each one's UTF-8 copy off
        // the large-object heap, whose allocations cost a full collection every so often.
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            return Read(buffer.AsSpan(0, length), depth);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses a message that arrived in fragments, without joining them into one string first.</summary>
    /// <exception cref="ProtocolException">The text is not valid JSON or not a valid message for this depth.</exception>
    /// <remarks>
    /// Ids that start with U+FFFA are data like any other: the reference's TinyBase connector keeps
    /// TinyBase values under them (<c>["\uFFFAv","\uFFFAv",valueId]</c>).
    /// </remarks>
    internal static Message Read(ReadOnlyMemory<char>[] parts, int depth) => ReadParts(parts, depth, new IdPool());

    private static Message ReadParts(ReadOnlyMemory<char>[] parts, int depth, IdPool ids)
    {
        if (parts.Length == 1)
        {
            var text = parts[0].Span;
            var single = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
            try
            {
                return Read(single.AsSpan(0, Encoding.UTF8.GetBytes(text, single)), depth, ids);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(single);
            }
        }

        var length = parts.Sum(part => part.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(length));
        try
        {
            // One encoder across the parts: a sender may cut a surrogate pair between two fragments.
            var encoder = Encoding.UTF8.GetEncoder();
            var written = 0;
            for (var i = 0; i < parts.Length; i++)
            {
                written += encoder.GetBytes(parts[i].Span, buffer.AsSpan(written), flush: i == parts.Length - 1);
            }

            return Read(buffer.AsSpan(0, written), depth, ids);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses UTF-8 <paramref name="utf8"/> as a message for a tree of <paramref name="depth"/>.</summary>
    /// <exception cref="ProtocolException">The text is not valid JSON or not a valid message for this depth.</exception>
    public static Message Read(ReadOnlySpan<byte> utf8, int depth) => Read(utf8, depth, new IdPool());

    private static Message Read(ReadOnlySpan<byte> utf8, int depth, IdPool ids)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = Math.Max(64, (2 * depth) + 8) });
        try
        {
            var message = ReadMessage(ref reader, depth, ids);
            if (reader.Read())
            {
                throw new ProtocolException("There is more text after the message's closing bracket.");
            }

            return message;
        }
        catch (JsonException exception)
        {
            throw new ProtocolException($"The message is not valid JSON: {exception.Message}", exception);
        }
    }

    private static Message ReadMessage(ref Utf8JsonReader reader, int depth, IdPool ids)
    {
        Expect(ref reader, JsonTokenType.StartArray, "a message must be a JSON array");
        var version = ReadInteger(ref reader, "the version");
        if (version != Message.CurrentVersion)
        {
            throw new ProtocolException($"The message is protocol version {version}; this peer speaks version {Message.CurrentVersion}.");
        }

        var type = ReadInteger(ref reader, "the type");
        if (type != Message.SyncType)
        {
            throw new ProtocolException($"The message type is {type}; only type {Message.SyncType} exists.");
        }

        var messageDepth = ReadInteger(ref reader, "the depth");
        if (messageDepth != depth)
        {
            throw new ProtocolException($"The message is for a tree of depth {messageDepth}, but this synclet's tree has depth {depth}.") { WrongDepth = messageDepth };
        }

        var address = ReadAddress(ref reader, depth);
        Advance(ref reader, "the node");
        var node = ReadNode(ref reader, address.Length, depth, ids);
        var context = ReadContext(ref reader);
        Expect(ref reader, JsonTokenType.EndArray, "a message has exactly six elements");
        return new Message(depth, address, node, context);
    }

    private static string[] ReadAddress(ref Utf8JsonReader reader, int depth)
    {
        Expect(ref reader, JsonTokenType.StartArray, "the address must be an array of strings");
        var ids = new List<string>(depth);
        while (true)
        {
            Advance(ref reader, "the address");
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                throw new ProtocolException("The address must be an array of strings.");
            }

            var id = JsonStringReader.Read(ref reader);
            ids.Add(id);
            if (ids.Count > depth)
            {
                throw new ProtocolException($"The address has more than {depth} ids, the depth of the tree.");
            }
        }

        return [.. ids];
    }

    private static Node ReadNode(ref Utf8JsonReader reader, int level, int depth, IdPool ids)
    {
        var isAtomAddress = level == depth;
        switch (reader.TokenType)
        {
            case JsonTokenType.String when isAtomAddress:
                var timestamp = JsonStringReader.Read(ref reader);
                if (timestamp.Length != 0 && !Timestamp.IsValid(timestamp))
                {
                    throw new ProtocolException($"'{timestamp}' is not a timestamp (16 characters of the timestamp alphabet).");
                }

                return new TimestampNode(timestamp);
            case JsonTokenType.StartArray when isAtomAddress:
                return ReadTimestampAndAtom(ref reader);
            case JsonTokenType.Number when !isAtomAddress:
                if (!reader.TryGetUInt32(out var hash))
                {
                    throw new ProtocolException("A hash must be an unsigned 32-bit integer.");
                }

                return new HashNode(hash);
            case JsonTokenType.StartArray:
                return ReadSubNodes(ref reader, level, depth, ids);
            default:
                var where = isAtomAddress ? "an atom address" : "a parent address";
                throw new ProtocolException($"A {Describe(reader.TokenType)} is not a valid node at {where} (level {level} of depth {depth}).");
        }
    }

    private static TimestampAndAtomNode ReadTimestampAndAtom(ref Utf8JsonReader reader)
    {
        Advance(ref reader, "a [timestamp, atom] pair");
        var timestamp = reader.TokenType == JsonTokenType.String ? JsonStringReader.Read(ref reader) : string.Empty;
        if (!Timestamp.IsValid(timestamp))
        {
            throw new ProtocolException("A [timestamp, atom] pair must start with a 16-character timestamp.");
        }

        Advance(ref reader, "a [timestamp, atom] pair");
        var atom = ReadAtom(ref reader);
        Expect(ref reader, JsonTokenType.EndArray, "a [timestamp, atom] pair has exactly two elements");
        return new TimestampAndAtomNode(timestamp, atom);
    }

    private static SubNodesNode ReadSubNodes(ref Utf8JsonReader reader, int level, int depth, IdPool ids)
    {
        Expect(ref reader, JsonTokenType.StartObject, "an array at a parent address must be sub-nodes, [{...}] or [{...}, 1]");
        // Siblings at one level tend to have as many children as each other (the columns of rows):
        // sized like the last list at this level, the dictionary rarely grows.
        var children = new Dictionary<string, Node>(IdPool.SizeHint(level), StringComparer.Ordinal);
        while (true)
        {
            Advance(ref reader, "sub-nodes");
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var id = level + 1 == depth ? ids.Read(ref reader) : JsonStringReader.Read(ref reader); // Atom ids repeat on every row; row ids do not.
            Advance(ref reader, "sub-nodes");
            children[id] = ReadNode(ref reader, level + 1, depth, ids);
        }

        IdPool.Sized(level, children.Count);
        Advance(ref reader, "sub-nodes");
        var partial = false;
        if (reader.TokenType == JsonTokenType.Number)
        {
            partial = reader.TryGetInt32(out var flag) && flag == 1;
            Expect(ref reader, JsonTokenType.EndArray, "sub-nodes have at most a partial flag after the object");
        }
        else if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new ProtocolException("Sub-nodes must be [{...}] or [{...}, 1].");
        }

        return new SubNodesNode(children, partial);
    }

    /// <summary>
    /// Shares one string per distinct child id within a message: column ids repeat on every row,
    /// and a tree that keeps them should not keep a copy per atom. Remembers, per level, how many
    /// children the last sub-nodes list had, across messages too: a streamed reply's messages each
    /// list as many rows as the one before, and a list sized from nothing grew through ten copies.
    /// </summary>
    private sealed class IdPool
    {
        private const int MaxPooled = 1024;
        private const int MaxIdLength = 64;
        private const int MaxSizeHint = 4096;

        // Shared by every reader, unsynchronized: a stale or mixed-up hint only sizes a dictionary.
        private static readonly int[] LastCounts = new int[16];
        private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);


        public static int SizeHint(int level) => level < LastCounts.Length ? LastCounts[level] : 0;

        public static void Sized(int level, int count)
        {
            if (level < LastCounts.Length)
            {
                LastCounts[level] = Math.Min(count, MaxSizeHint);
            }
        }

        public string Read(ref Utf8JsonReader reader)
        {
            // Long and escaped ids are rare (an escaped one may hold half a surrogate pair, which
            // CopyString refuses): they are read as they are, not pooled.
            if (reader.HasValueSequence || reader.ValueSpan.Length > MaxIdLength || reader.ValueIsEscaped)
            {
                return JsonStringReader.Read(ref reader);
            }

            Span<char> buffer = stackalloc char[MaxIdLength];
            var length = reader.CopyString(buffer);
            var chars = buffer[..length];
            var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(chars, out var id))
            {
                return id;
            }

            id = chars.ToString();
            if (_ids.Count < MaxPooled)
            {
                _ids.Add(id, id);
            }

            return id;
        }
    }

    private static Atom ReadAtom(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => JsonStringReader.ReadAtom(ref reader),
        JsonTokenType.Number => ReadNumber(ref reader),
        JsonTokenType.True => Atom.FromBoolean(true),
        JsonTokenType.False => Atom.FromBoolean(false),
        JsonTokenType.Null => Atom.Null,
        _ => throw new ProtocolException($"An atom must be a string, number, boolean or null, not {Describe(reader.TokenType)}."),
    };

    private static Dictionary<string, Atom> ReadContext(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "the context must be a JSON object");
        var context = new Dictionary<string, Atom>(StringComparer.Ordinal);
        while (true)
        {
            Advance(ref reader, "the context");
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return context;
            }

            var key = JsonStringReader.Read(ref reader);
            Advance(ref reader, "the context");
            context[key] = ReadAtom(ref reader);
        }
    }

    /// <summary>A number atom; JSON allows numbers no double holds (1e400), which JavaScript would read as Infinity and never write.</summary>
    private static Atom ReadNumber(ref Utf8JsonReader reader) =>
        reader.TryGetDouble(out var number) && double.IsFinite(number)
            ? Atom.FromNumber(number)
            : throw new ProtocolException($"The number {Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)} is beyond the range of a double; atoms are finite numbers.");

    private static int ReadInteger(ref Utf8JsonReader reader, string what)
    {
        Advance(ref reader, what);
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
        {
            throw new ProtocolException($"The message's {what} must be an integer.");
        }

        return value;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string rule)
    {
        Advance(ref reader, rule);
        if (reader.TokenType != expected)
        {
            throw new ProtocolException($"Malformed message: {rule}.");
        }
    }

    private static void Advance(ref Utf8JsonReader reader, string what)
    {
        if (!reader.Read())
        {
            throw new ProtocolException($"The message ends too early, in {what}.");
        }
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };
}
