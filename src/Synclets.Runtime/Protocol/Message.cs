namespace Synclets.Protocol;

/// <summary>
/// One protocol message: <c>[version, type, depth, address, node, context]</c>.
/// </summary>
/// <param name="Depth">The depth of the sender's tree.</param>
/// <param name="Address">The address the node belongs to, from the root.</param>
/// <param name="Node">The node at that address.</param>
/// <param name="Context">Application data, such as an auth token; empty by default.</param>
public sealed record Message(int Depth, IReadOnlyList<string> Address, Node Node, IReadOnlyDictionary<string, Atom> Context)
{
    /// <summary>The only protocol version there is.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The only message type there is.</summary>
    public const int SyncType = 0;

    /// <summary>An empty context, shared.</summary>
    public static IReadOnlyDictionary<string, Atom> EmptyContext { get; } = new Dictionary<string, Atom>();
}
