using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Synclets.Transports;

/// <summary>Sends a packet as one WebSocket text message, encoded into a pooled buffer.</summary>
internal static class WebSocketText
{
    /// <summary>
    /// A streamed reply's packet runs to ~100 KB: encoded into a fresh array it would land on the
    /// large-object heap once per packet, and those allocations cost a full collection every so often.
    /// </summary>
    public static async ValueTask SendTextAsync(this WebSocket socket, string packet, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(packet.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(packet, buffer);
            await socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
