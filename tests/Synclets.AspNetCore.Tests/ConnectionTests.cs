using System.Net.WebSockets;

namespace Synclets.AspNetCore.Tests;

public class ConnectionTests
{
    [Fact]
    public async Task A_packet_delivered_as_the_write_loop_ends_is_released_not_left_in_flight()
    {
        // A client that just left: its connection's write loop has ended, and the room delivers one
        // more packet before the connection is removed. Left in the queue, it would keep the
        // room's in-flight count above zero for good (and a shared counter never idle).
        var activity = new ActivityCounter();
        using var socket = WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true });
        var connection = new Connection("client", maxQueuedPackets: 8, maxQueuedBytes: 1 << 20, activity, observer: null) { Socket = socket };
        using var ended = new CancellationTokenSource();
        await ended.CancelAsync();
        await connection.WriteLoopAsync(ended.Token);

        activity.Enter(); // As the room does when it delivers a packet.
        connection.Enqueue("client 0123456789abcdef 0 1 [1,0,2,[],0,{}]");

        Assert.True(activity.IsIdle);
        Assert.False(connection.TooSlow);
    }

    [Fact]
    public void A_connection_that_does_not_read_is_dropped_past_its_byte_limit_not_only_its_packet_limit()
    {
        var activity = new ActivityCounter();
        var connection = new Connection("client", maxQueuedPackets: 10_000, maxQueuedBytes: 1 << 20, activity, observer: null);
        var packet = "client 0123456789abcdef 0 1 " + new string('x', 64 * 1024);
        for (var i = 0; i < 7 && !connection.TooSlow; i++)
        {
            activity.Enter();
            connection.Enqueue(packet); // 128 KiB each: the eighth would pass 1 MiB.
        }

        Assert.False(connection.TooSlow);
        activity.Enter();
        connection.Enqueue(packet);
        activity.Enter();
        connection.Enqueue(packet);
        Assert.True(connection.TooSlow);
    }
}
