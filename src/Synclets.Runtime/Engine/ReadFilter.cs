using Synclets.Protocol;

namespace Synclets;

/// <summary>
/// Cuts a message down to what one recipient may read, by the hooks' read rules: the relay of a
/// change (or a local write) to each peer of a star, where the same change reaches readers with
/// different rights. The context the hooks see names the recipient (<see cref="Ids.PeerContextKey"/>),
/// as a reply's context names the peer that asked.
/// </summary>
internal static class ReadFilter
{
    /// <summary>The part of <paramref name="message"/> that <paramref name="recipient"/> may read, or null when that is nothing.</summary>
    public static async ValueTask<Message?> ForRecipientAsync(DeclaredHooks hooks, Message message, string recipient)
    {
        var context = new Dictionary<string, Atom>(message.Context, StringComparer.Ordinal) { [Ids.PeerContextKey] = recipient };
        var path = new List<string>(message.Address);
        var node = await FilterAsync(hooks, message.Depth, path, message.Node, context).ConfigureAwait(false);
        return node is null ? null : message with { Node = node };
    }

    private static async ValueTask<Node?> FilterAsync(DeclaredHooks hooks, int depth, List<string> path, Node node, IReadOnlyDictionary<string, Atom> context)
    {
        switch (node)
        {
            case TimestampAndAtomNode when path.Count == depth:
                return await hooks.CanReadAtomAsync(path, context).ConfigureAwait(false) ? node : null;
            case SubNodesNode subNodes:
                var visible = await hooks.FilterChildIdsAsync(path, subNodes.Children.Keys, context).ConfigureAwait(false);
                var kept = new Dictionary<string, Node>(visible.Count, StringComparer.Ordinal);
                foreach (var id in visible)
                {
                    if (!subNodes.Children.TryGetValue(id, out var child))
                    {
                        continue;
                    }

                    path.Add(id);
                    if (await FilterAsync(hooks, depth, path, child, context).ConfigureAwait(false) is { } readable)
                    {
                        kept[id] = readable;
                    }

                    path.RemoveAt(path.Count - 1);
                }

                // Partial whenever something was left out: a full list would tell the recipient
                // that what it names is all there is, and it would answer with the rest.
                return kept.Count == 0 ? null : new SubNodesNode(kept, subNodes.Partial || kept.Count < subNodes.Children.Count);
            default:
                return node; // Hashes and bare timestamps carry no data.
        }
    }
}
