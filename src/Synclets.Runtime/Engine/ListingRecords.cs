using Synclets.Protocol;
using Synclets.Transports;

namespace Synclets;

/// <summary>
/// Remembers the listings a peer sent in parts, so that its follow-up hash can complete them.
/// </summary>
/// <remarks>
/// <para>
/// A listing (a peer's children at an address, each with its hash or timestamp: its answer to our
/// hash) that holds more than one message is split into partial lists, and a partial list cannot
/// say "I have nothing else": the children we have and the peer lacks would never be named, and
/// never sent. So a synclet follows a split listing with its hash of that address, and the
/// receiver, having collected the names, checks them against it: when the XOR of the listed
/// hashes is that hash, the listing was whole, and the receiver sends full nodes for its children
/// the listing did not name, as a whole list would have made it do.
/// </para>
/// <para>
/// When they differ (a listing cut short by a disconnection, children hidden by the peer's hooks,
/// or a peer that sent no parts at all) the hash is answered as any other: with our own listing.
/// A JavaScript peer does just that with our follow-up hash, which costs a second listing but
/// loses nothing.
/// </para>
/// </remarks>
internal sealed class ListingRecords
{
    // Listings are collected only until their follow-up hash arrives; a few are ever open at once.
    // Beyond this many (listings cut short and never followed up), the oldest is forgotten.
    private const int MaxOpenListings = 16;

    private readonly List<Listing> _open = [];

    /// <summary>Collects the partial listings in a message received from <paramref name="from"/>, at any level.</summary>
    public void Collect(Transport transport, string from, IReadOnlyList<string> address, SubNodesNode node) =>
        Collect(transport, from, [.. address], node);

    /// <summary>
    /// Takes the listing from <paramref name="from"/> at <paramref name="address"/>, when the hash
    /// that follows it shows it whole: the names it gave.
    /// </summary>
    public bool TryTakeWhole(Transport transport, string from, IReadOnlyList<string> address, uint hash, out ICollection<string> names)
    {
        var index = _open.FindIndex(listing => listing.Matches(transport, from, address));
        if (index < 0)
        {
            names = [];
            return false;
        }

        var listing = _open[index];
        _open.RemoveAt(index);
        names = listing.Hashes.Keys;
        return listing.CombinedHash() == hash;
    }

    private void Collect(Transport transport, string from, List<string> path, SubNodesNode node)
    {
        if (node.Partial && IsListing(node))
        {
            Record(transport, from, path, node);
            return;
        }

        foreach (var (id, child) in node.Children)
        {
            if (child is TimestampNode or TimestampAndAtomNode)
            {
                return; // Children at atom addresses: this list has no lists below it.
            }

            if (child is not SubNodesNode list)
            {
                continue;
            }

            path.Add(id);
            Collect(transport, from, path, list);
            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>A listing names children by hash or timestamp only (and an empty list is one too); full nodes carry atoms or lists.</summary>
    private static bool IsListing(SubNodesNode node)
    {
        foreach (var child in node.Children.Values)
        {
            if (child is not (HashNode or TimestampNode))
            {
                return false;
            }
        }

        return true;
    }

    private void Record(Transport transport, string from, IReadOnlyList<string> address, SubNodesNode node)
    {
        var listing = _open.Find(open => open.Matches(transport, from, address));
        if (listing is null)
        {
            if (_open.Count == MaxOpenListings)
            {
                _open.RemoveAt(0);
            }

            listing = new Listing(transport, from, [.. address]);
            _open.Add(listing);
        }

        foreach (var (id, child) in node.Children)
        {
            listing.Hashes[id] = child switch
            {
                HashNode hash => hash.Hash,
                TimestampNode { Timestamp.Length: > 0 } timestamp => Fnv1a.Hash(timestamp.Timestamp),
                _ => 0,
            };
        }
    }

    private sealed class Listing(Transport transport, string from, string[] address)
    {
        public Dictionary<string, uint> Hashes { get; } = new(StringComparer.Ordinal);

        public bool Matches(Transport other, string peer, IReadOnlyList<string> at) =>
            other == transport && string.Equals(peer, from, StringComparison.Ordinal) && at.SequenceEqual(address, StringComparer.Ordinal);

        public uint CombinedHash()
        {
            uint combined = 0;
            foreach (var hash in Hashes.Values)
            {
                combined ^= hash;
            }

            return combined;
        }
    }
}
