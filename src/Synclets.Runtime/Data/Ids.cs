namespace Synclets;

/// <summary>Rules for the ids that make up an address.</summary>
public static class Ids
{
    /// <summary>
    /// The character (U+FFFA) that starts the ids of the system: the server's connection id, the
    /// engine's context keys. In a tree it is data like any other (the reference's TinyBase
    /// connector keeps TinyBase values under <c>["\uFFFAv", "\uFFFAv", valueId]</c>).
    /// </summary>
    public const char ReservedPrefix = '\uFFFA';

    /// <summary>The id under which a broker hosts its own synclet (a store server).</summary>
    public const string ServerId = "\uFFFAs";

    /// <summary>
    /// The context key under which the engine tells hooks which peer sent the message being handled
    /// (reserved, so no peer can set it).
    /// </summary>
    public const string PeerContextKey = "\uFFFApeer";

    /// <summary>The peer that sent the message whose context this is, or null for a local change.</summary>
    public static string? PeerOf(IReadOnlyDictionary<string, Atom> context) =>
        context is not null && context.TryGetValue(PeerContextKey, out var peer) && peer.Kind == AtomKind.String ? peer.AsString() : null;

    /// <summary>
    /// <paramref name="id"/> as a log line shows it: the reserved character written as the escape
    /// <c>\uFFFA</c>, so the server's id reads <c>\uFFFAs</c> instead of an invisible character and an s.
    /// </summary>
    public static string Readable(string id) =>
        id is null || !id.Contains(ReservedPrefix, StringComparison.Ordinal) ? id ?? string.Empty : id.Replace("\uFFFA", "\\uFFFA", StringComparison.Ordinal);

    /// <summary>True when <paramref name="id"/> starts with U+FFFA (the system's ids, and TinyBase values in a tree).</summary>
    public static bool IsReserved(string id) => id.Length > 0 && id[0] == ReservedPrefix;

    /// <summary>
    /// True when <paramref name="text"/> (an id, or an atom's text) holds half of a UTF-16
    /// surrogate pair: a string cut between the two halves. The protocol carries it (as
    /// <c>JSON.stringify</c> does, escaped), but storage that keeps text as UTF-8 cannot, and
    /// refuses it rather than keep U+FFFD in its place.
    /// </summary>
    public static bool HasUnpairedSurrogate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        for (var i = span.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++; // A whole pair.
            }
            else if (char.IsSurrogate(span[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Throws when an address given by a user is not a valid atom address of a tree of <paramref name="depth"/>.</summary>
    internal static void ValidateAtomAddress(IReadOnlyList<string> address, int depth, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(address, parameterName);
        if (address.Count != depth)
        {
            throw new ArgumentException($"An atom address in a tree of depth {depth} needs exactly {depth} ids, but this one has {address.Count}.", parameterName);
        }

        ValidateIds(address, parameterName);
    }

    /// <summary>Throws when an address given by a user is deeper than the tree or holds a null id.</summary>
    internal static void ValidateAddress(IReadOnlyList<string> address, int depth, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(address, parameterName);
        if (address.Count > depth)
        {
            throw new ArgumentException($"An address in a tree of depth {depth} has at most {depth} ids, but this one has {address.Count}.", parameterName);
        }

        ValidateIds(address, parameterName);
    }

    private static void ValidateIds(IReadOnlyList<string> address, string parameterName)
    {
        for (var i = 0; i < address.Count; i++)
        {
            _ = address[i] ?? throw new ArgumentException($"Id {i} of the address is null.", parameterName);
        }
    }
}
