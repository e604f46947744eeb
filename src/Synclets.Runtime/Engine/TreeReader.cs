using System.Text.Json.Nodes;
using Synclets.Connectors;

namespace Synclets;

/// <summary>Reads a connector's whole tree as JSON, children in ordinal order and empty branches pruned.</summary>
internal static class TreeReader
{
    public static async Task<JsonObject> ReadDataAsync(IDataConnector data, CancellationToken cancellationToken)
    {
        var root = new JsonObject();
        await ReadAsync(root, [], data.Depth, data.GetChildIdsAsync, async path => ToJson(await data.GetAtomAsync(path, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
        return root;
    }

    public static async Task<JsonObject> ReadMetaAsync(IMetaConnector meta, CancellationToken cancellationToken)
    {
        var root = new JsonObject();
        await ReadAsync(root, [], meta.Depth, meta.GetChildIdsAsync, async path => JsonValue.Create(await meta.GetTimestampAsync(path, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
        return root;
    }

    /// <summary>An atom as a JSON node; absent is reported as a missing property, so this is never called for it.</summary>
    public static JsonNode? ToJson(Atom atom) => atom.Kind switch
    {
        AtomKind.String => JsonValue.Create(atom.AsString()),
        AtomKind.Number => JsonValue.Create(atom.AsNumber()),
        AtomKind.Boolean => JsonValue.Create(atom.AsBoolean()),
        _ => null,
    };

    private static async Task ReadAsync(
        JsonObject target,
        List<string> path,
        int depth,
        Func<IReadOnlyList<string>, CancellationToken, ValueTask<IReadOnlyCollection<string>>> childIds,
        Func<IReadOnlyList<string>, Task<JsonNode?>> leaf,
        CancellationToken cancellationToken)
    {
        var ids = (await childIds(path, cancellationToken).ConfigureAwait(false)).ToList();
        ids.Sort(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            path.Add(id);
            if (path.Count == depth)
            {
                target[id] = await leaf(path).ConfigureAwait(false);
            }
            else
            {
                var child = new JsonObject();
                await ReadAsync(child, path, depth, childIds, leaf, cancellationToken).ConfigureAwait(false);
                if (child.Count > 0)
                {
                    target[id] = child;
                }
            }

            path.RemoveAt(path.Count - 1);
        }
    }
}
