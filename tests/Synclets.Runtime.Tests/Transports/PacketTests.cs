using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Synclets.Tests.Support;
using Synclets.Transports;

namespace Synclets.Tests.Transports;

public class PacketTests
{
    [Fact]
    public void Splits_into_numbered_fragments_that_join_back()
    {
        var text = new string('x', 10_000);
        var packets = Packet.Split("*", text, 4096, "MESSAGEID0000000").ToList();
        Assert.Equal(3, packets.Count);
        Assert.StartsWith("* MESSAGEID0000000 0 3 ", packets[0], StringComparison.Ordinal);
        Assert.StartsWith("* MESSAGEID0000000 2 3 ", packets[2], StringComparison.Ordinal);
        Assert.Equal(text, string.Concat(packets.Select(p => p.Split(' ', 5)[4])));
    }

    [Fact]
    public void Never_splits_a_surrogate_pair()
    {
        var text = "ab😀cd😀";
        foreach (var packet in Packet.Split("*", text, 3))
        {
            var fragment = packet.Split(' ', 5)[4];
            Assert.False(char.IsHighSurrogate(fragment[^1]));
            Assert.False(char.IsLowSurrogate(fragment[0]));
        }
    }

    [Fact]
    public void An_empty_message_is_one_fragment() =>
        Assert.Single(Packet.Split("*", string.Empty, 10));

    [Fact]
    public void Message_ids_are_16_characters_of_the_alphabet()
    {
        var id = Packet.NewMessageId();
        Assert.Equal(16, id.Length);
        Assert.All(id, c => Assert.Contains(c, Timestamp.Alphabet));
    }

    [Fact]
    public void Reassembles_out_of_order_and_ignores_duplicates()
    {
        var reassembler = new Reassembler(TransportOptions.Default);
        var fragments = Packet.Split("peer", "hello world", 4, "ID").Select(Parse).ToList();
        Assert.Null(reassembler.Add(fragments[2], NullLogger.Instance, "me"));
        Assert.Null(reassembler.Add(fragments[0], NullLogger.Instance, "me"));
        Assert.Null(reassembler.Add(fragments[0], NullLogger.Instance, "me"));
        Assert.Equal("hello world", string.Concat(reassembler.Add(fragments[1], NullLogger.Instance, "me")!.Select(part => part.ToString())));
        Assert.Equal(0, reassembler.PendingCount);
    }

    [Fact]
    public void Drops_a_message_that_grows_past_the_limit_and_says_so()
    {
        var logs = new TestLoggerFactory();
        var reassembler = new Reassembler(new TransportOptions { MaxMessageLength = 10 });
        foreach (var fragment in Packet.Split("peer", new string('x', 30), 4, "ID").Select(Parse))
        {
            Assert.Null(reassembler.Add(fragment, logs.CreateLogger("t"), "me"));
        }

        Assert.Contains(logs.Warnings, w => w.Contains("grew past the limit of 10", StringComparison.Ordinal));
    }

    [Fact]
    public void Bounds_the_incomplete_messages_of_one_peer()
    {
        var logs = new TestLoggerFactory();
        var reassembler = new Reassembler(new TransportOptions { MaxPendingMessagesPerPeer = 3 });
        for (var i = 0; i < 10; i++)
        {
            reassembler.Add(Parse(Packet.Split("peer", "abcdef", 3, $"ID{i}").First()), logs.CreateLogger("t"), "me");
        }

        Assert.Equal(3, reassembler.PendingCount);
        Assert.Equal(7, logs.Warnings.Count(w => w.Contains("incomplete messages", StringComparison.Ordinal)));
    }

    [Fact]
    public void Evicts_stale_incomplete_messages()
    {
        var time = new FakeTimeProvider();
        var logs = new TestLoggerFactory();
        var reassembler = new Reassembler(new TransportOptions { PendingMessageTimeout = TimeSpan.FromSeconds(5), TimeProvider = time });
        reassembler.Add(Parse(Packet.Split("peer", "abcdef", 3, "OLD").First()), logs.CreateLogger("t"), "me");
        time.Advance(TimeSpan.FromSeconds(6));
        reassembler.Add(Parse(Packet.Split("peer", "abcdef", 3, "NEW").First()), logs.CreateLogger("t"), "me");

        Assert.Equal(1, reassembler.PendingCount);
        Assert.Contains(logs.Warnings, w => w.Contains("message OLD was still missing 1 of 2 fragments", StringComparison.Ordinal));
    }

    [Fact]
    public void Refuses_fragments_that_disagree_on_the_total()
    {
        var logs = new TestLoggerFactory();
        var reassembler = new Reassembler(TransportOptions.Default);
        reassembler.Add(Parse("peer ID 0 2 ab"), logs.CreateLogger("t"), "me");
        Assert.Null(reassembler.Add(Parse("peer ID 1 3 cd"), logs.CreateLogger("t"), "me"));
        Assert.Contains(logs.Warnings, w => w.Contains("says 3 fragments", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("no spaces")]
    [InlineData("peer ID x 2 text")]
    [InlineData("peer ID 2 2 text")]
    [InlineData("peer ID 0 0 text")]
    [InlineData(" ID 0 1 text")]
    public void Refuses_malformed_packets(string packet) =>
        Assert.False(Packet.TryParse(packet, out _, out _));

    [Fact]
    public void Readdressing_replaces_the_first_token()
    {
        Assert.True(Packet.TryReaddress("* ID 0 1 text", "sender", out var to, out var readdressed));
        Assert.Equal("*", to);
        Assert.Equal("sender ID 0 1 text", readdressed);
    }

    [Fact]
    public void Packets_written_from_their_parts_are_the_split_packets_readdressed_and_encoded()
    {
        // A transport joins, readdresses or encodes a header and fragment in one go; it must write
        // exactly what the joined packet would have been.
        var text = string.Concat(Enumerable.Repeat("été 😀 \"q\" ", 700));
        var parts = Packet.Parts("*", text.AsMemory(), 1000, "MESSAGEID0000000").ToList();
        var packets = Packet.Split("*", text, 1000, "MESSAGEID0000000").ToList();
        Assert.Equal(packets.Count, parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var (header, fragment) = parts[i];
            Assert.True(Packet.TryReaddress(packets[i], "sender", out var expectedTo, out var expected));
            Assert.Equal(expected, Packet.Readdress(header, fragment.Span, "sender", out var to));
            Assert.Equal(expectedTo, to);

            var encoded = EncodedPacket.Encode(header, fragment.Span);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(packets[i]), encoded.Buffer.AsSpan(0, encoded.Length).ToArray());
            encoded.Release();
        }
    }

    private static ReceivedFragment Parse(string packet)
    {
        var readdressed = packet.StartsWith("peer ", StringComparison.Ordinal) ? packet : "peer" + packet[packet.IndexOf(' ', StringComparison.Ordinal)..];
        Assert.True(Packet.TryParse(readdressed, out var fragment, out var error), error);
        return fragment;
    }
}
