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
        var connection = new Connection("client", socket, maxQueued: 8, activity, ledger: null);
        using var ended = new CancellationTokenSource();
        await ended.CancelAsync();
        await connection.WriteLoopAsync(ended.Token);

        activity.Enter(); // As the room does when it delivers a packet.
        connection.Enqueue("client 0123456789abcdef 0 1 [1,0,2,[],0,{}]");

        Assert.True(activity.IsIdle);
        Assert.False(connection.TooSlow);
    }
}
