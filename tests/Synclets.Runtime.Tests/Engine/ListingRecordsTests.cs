using Synclets.Protocol;
using Synclets.Transports;

namespace Synclets.Tests.Engine;

public class ListingRecordsTests
{
    private readonly Transport _transport = new MemoryPool().CreateTransport();

    [Fact]
    public void A_listing_in_parts_is_whole_when_its_hashes_combine_to_the_follow_up()
    {
        var records = new ListingRecords();
        records.Collect(_transport, "peer", [], Listing(partial: true, ("r1", 0x11), ("r2", 0x22)));
        records.Collect(_transport, "peer", [], Listing(partial: true, ("r3", 0x44)));

        Assert.True(records.TryTakeWhole(_transport, "peer", [], 0x11 ^ 0x22 ^ 0x44, out var names));
        Assert.Equal(["r1", "r2", "r3"], names.Order(StringComparer.Ordinal));
        Assert.False(records.TryTakeWhole(_transport, "peer", [], 0x11 ^ 0x22 ^ 0x44, out _)); // Taken once.
    }

    [Fact]
    public void A_listing_cut_short_or_from_another_peer_is_not_whole()
    {
        var records = new ListingRecords();
        records.Collect(_transport, "peer", [], Listing(partial: true, ("r1", 0x11)));

        Assert.False(records.TryTakeWhole(_transport, "other", [], 0x11, out _));
        Assert.False(records.TryTakeWhole(_transport, "peer", [], 0x11 ^ 0x22, out _)); // r2 never arrived.
    }

    [Fact]
    public void Listings_nested_in_a_reply_are_collected_at_their_own_address()
    {
        var records = new ListingRecords();
        var reply = new SubNodesNode(partial: true);
        reply.Children["t"] = Listing(partial: true, ("r1", 0x11));
        reply.Children["full"] = new SubNodesNode(new Dictionary<string, Node> { ["r"] = Atoms(partial: true) }, partial: true);
        records.Collect(_transport, "peer", [], reply);

        Assert.False(records.TryTakeWhole(_transport, "peer", [], 0x11, out _));
        Assert.True(records.TryTakeWhole(_transport, "peer", ["t"], 0x11, out var names));
        Assert.Equal(["r1"], names);
        Assert.False(records.TryTakeWhole(_transport, "peer", ["full", "r"], 0, out _)); // Full nodes are no listing.
    }

    [Fact]
    public void A_whole_list_needs_no_follow_up_and_is_not_collected()
    {
        var records = new ListingRecords();
        records.Collect(_transport, "peer", [], Listing(partial: false, ("r1", 0x11)));

        Assert.False(records.TryTakeWhole(_transport, "peer", [], 0x11, out _));
    }

    private static SubNodesNode Listing(bool partial, params (string Id, uint Hash)[] children) =>
        new(children.ToDictionary(child => child.Id, child => (Node)new HashNode(child.Hash), StringComparer.Ordinal), partial);

    private static SubNodesNode Atoms(bool partial) =>
        new(new Dictionary<string, Node>(StringComparer.Ordinal) { ["c"] = new TimestampAndAtomNode("0000000000000000", "x") }, partial);
}
