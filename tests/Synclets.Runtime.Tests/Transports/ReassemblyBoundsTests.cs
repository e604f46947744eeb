using Microsoft.Extensions.Time.Testing;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Tests.Transports;

/// <summary>Partly received messages cannot pin memory: bounded in text per peer and in all, allocated as fragments arrive, evicted on a timer.</summary>
public class ReassemblyBoundsTests
{
    [Fact]
    public void A_packet_claiming_65536_fragments_takes_memory_for_its_fragment_not_for_the_claim()
    {
        var reassembler = new Reassembler(TransportOptions.Default);
        var logs = new TestLoggerFactory();
        var fragment = Parse("peer ID 0 65536 [1,");
        reassembler.Add(fragment, logs.CreateLogger("t"), "me"); // Warm up the paths.
        var before = GC.GetAllocatedBytesForCurrentThread();
        reassembler.Add(Parse("peer ID2 0 65536 [1,"), logs.CreateLogger("t"), "me");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 0, 4 * 1024); // Was 1.1 MB: arrays sized by the claimed total.
        Assert.Equal(2, reassembler.PendingCount);
    }

    [Fact]
    public void A_stale_message_is_evicted_by_the_timer_even_when_nothing_else_arrives()
    {
        var time = new FakeTimeProvider();
        var logs = new TestLoggerFactory();
        var reassembler = new Reassembler(new TransportOptions { PendingMessageTimeout = TimeSpan.FromSeconds(30), TimeProvider = time });
        reassembler.Add(Parse("quiet ID 0 2 " + new string('x', 1000)), logs.CreateLogger("t"), "me");
        Assert.Equal(1000, reassembler.PendingLength);

        time.Advance(TimeSpan.FromSeconds(46)); // Past the timeout, at the timer's next tick.

        Assert.Equal(0, reassembler.PendingCount);
        Assert.Equal(0, reassembler.PendingLength);
        Assert.Contains(logs.Warnings, w => w.Contains("message ID was still missing 1 of 2 fragments", StringComparison.Ordinal));
    }

    [Fact]
    public void One_peer_cannot_hold_more_than_its_share_of_text()
    {
        var logs = new TestLoggerFactory();
        var reassembler = new Reassembler(new TransportOptions { MaxPendingLengthPerPeer = 2500 });
        for (var i = 0; i < 5; i++)
        {
            reassembler.Add(Parse($"greedy M{i} 0 2 " + new string('x', 1000)), logs.CreateLogger("t"), "me");
        }

        reassembler.Add(Parse("modest M 0 2 " + new string('x', 1000)), logs.CreateLogger("t"), "me");

        Assert.Equal(3000, reassembler.PendingLength); // Two of greedy's, and modest's.
        Assert.Equal(3, logs.Warnings.Count(w => w.Contains("would hold over 2500 characters", StringComparison.Ordinal)));
    }

    [Fact]
    public void Transports_sharing_a_budget_hold_no_more_than_it_together()
    {
        var budget = new ReassemblyBudget(5000);
        var options = new TransportOptions { SharedBudget = budget };
        var logs = new TestLoggerFactory();
        var rooms = new[] { new Reassembler(options), new Reassembler(options) };
        for (var i = 0; i < 10; i++)
        {
            rooms[i % 2].Add(Parse($"peer{i} M 0 2 " + new string('x', 1000)), logs.CreateLogger("t"), "me");
        }

        Assert.Equal(5000, budget.Used);
        Assert.Equal(5, logs.Warnings.Count(w => w.Contains("would hold over 5000 characters in all", StringComparison.Ordinal)));

        rooms[0].Clear(); // A transport that detaches gives its share back.
        Assert.Equal(rooms[1].PendingLength, budget.Used);
        Assert.True(budget.Used < 5000);
    }

    [Fact]
    public void A_completed_message_gives_its_text_back_to_the_budget()
    {
        var budget = new ReassemblyBudget(10_000);
        var reassembler = new Reassembler(new TransportOptions { SharedBudget = budget });
        var logs = new TestLoggerFactory();
        Assert.Null(reassembler.Add(Parse("peer M 1 2 second"), logs.CreateLogger("t"), "me"));
        var parts = reassembler.Add(Parse("peer M 0 2 first-"), logs.CreateLogger("t"), "me");
        Assert.Equal("first-second", string.Concat(parts!.Select(part => part.ToString())));
        Assert.Equal(0, budget.Used);
    }

    private static ReceivedFragment Parse(string packet)
    {
        Assert.True(Packet.TryParse(packet, out var fragment, out var error), error);
        return fragment;
    }
}
