namespace Synclets.Protocol;

/// <summary>
/// The node a message carries: one of four kinds, told apart on the wire by their JSON shape.
/// Timestamps and timestamp-and-atom pairs sit at atom addresses; hashes and sub-nodes at parents.
/// </summary>
public abstract class Node
{
    private protected Node()
    {
    }
}

/// <summary>A timestamp at an atom address (a JSON string); <see cref="Timestamp.None"/> means "I have none".</summary>
/// <param name="timestamp">The sender's timestamp for the atom.</param>
public sealed class TimestampNode(string timestamp) : Node
{
    /// <summary>The sender's timestamp for the atom.</summary>
    public string Timestamp { get; } = timestamp;
}

/// <summary>A timestamp with its atom, at an atom address (<c>[timestamp, atom]</c>); an absent atom is a deletion.</summary>
/// <param name="timestamp">When the atom was written or deleted.</param>
/// <param name="atom">The atom, or <see cref="Atom.Absent"/> for a deletion.</param>
public sealed class TimestampAndAtomNode(string timestamp, Atom atom) : Node
{
    /// <summary>When the atom was written or deleted.</summary>
    public string Timestamp { get; } = timestamp;

    /// <summary>The atom, or <see cref="Atom.Absent"/> for a deletion.</summary>
    public Atom Atom { get; } = atom;
}

/// <summary>The hash of a parent address (a JSON number): the XOR of the timestamp hashes of every atom below it.</summary>
/// <param name="hash">The sender's hash of the parent.</param>
public sealed class HashNode(uint hash) : Node
{
    /// <summary>The sender's hash of the parent.</summary>
    public uint Hash { get; } = hash;
}

/// <summary>
/// Child nodes of a parent address, by child id (<c>[{...}]</c>, or <c>[{...}, 1]</c> when partial).
/// A complete list names every child the sender has; a partial one names only some.
/// </summary>
public sealed class SubNodesNode : Node
{
    /// <summary>Creates an empty list of children.</summary>
    public SubNodesNode(bool partial = false)
        : this(new Dictionary<string, Node>(StringComparer.Ordinal), partial)
    {
    }

    /// <summary>Creates a list over the given children.</summary>
    public SubNodesNode(Dictionary<string, Node> children, bool partial)
    {
        Children = children;
        Partial = partial;
    }

    /// <summary>The children, by id, in the order they were added (which is the order they are written).</summary>
    public Dictionary<string, Node> Children { get; }

    /// <summary>True when the list names only some of the sender's children.</summary>
    public bool Partial { get; set; }
}
