using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Tests.Protocol;

/// <summary>
/// The exact packets of a known exchange, as they cross the hub (first token = sender), so any
/// change to what we put on the wire is a visible decision. Message ids are random: they read
/// as MESSAGEID here.
/// </summary>
public partial class GoldenExchangeTests
{
    [Fact]
    public async Task A_new_client_joins_a_server_and_the_server_changes_one_atom()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1767225600000));
        var hub = new RecordingPool();
        await using var server = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), hub.CreateTransport(), new SyncletOptions { Id = "synclet1", TimeProvider = time, ChangeFeed = false });
        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), hub.CreateTransport(), new SyncletOptions { Id = "synclet2", TimeProvider = time, ChangeFeed = false });
        await server.SetAtomAsync(["a", "aa"], "A");
        await server.StartAsync();
        await client.StartAsync();
        await Quiescence.WaitAsync(server, client, hub);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await server.SetAtomAsync(["a", "ab"], "é\"\n");
        await server.DeleteAtomAsync(["a", "aa"]);
        await Quiescence.WaitAsync(server, client, hub);

        // The server's start went nowhere (no one had joined); the client's did.
        string[] expected =
        [
            "synclet2 MESSAGEID 0 1 [1,0,2,[],0,{}]",
            """synclet1 MESSAGEID 0 1 [1,0,2,[],[{"a":[{"aa":["OhqqeV-----BT7zq","A"]}]}],{}]""",
            """synclet1 MESSAGEID 0 1 [1,0,2,["a","ab"],["OhqqeV0----BT7zq","é\"\n"],{}]""",
            "synclet1 MESSAGEID 0 1 [1,0,2,[\"a\",\"aa\"],[\"OhqqeV0---0BT7zq\",\"\uFFFC\"],{}]",
        ];

        Assert.Equal(expected, hub.Packets.Select(packet => MessageId().Replace(packet, "MESSAGEID")));
    }

    [GeneratedRegex("(?<=^\\S+ )[-0-9A-Za-z_]{16}(?= )")]
    private static partial Regex MessageId();

    /// <summary>A memory pool that keeps every packet it routes, as the receiver sees it.</summary>
    private sealed class RecordingPool : PacketHub
    {
        public ConcurrentQueue<string> Packets { get; } = new();

        protected override void Deliver(IHubMember member, string packet)
        {
            Packets.Enqueue(packet);
            InFlight.Enter();
            try
            {
                member.Receive(packet);
            }
            finally
            {
                InFlight.Exit();
            }
        }
    }
}
