using System.Net.WebSockets;

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
        var encoded = EncodedPacket.Encode(packet, []);
        try
        {
            await encoded.SendAsync(socket, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            encoded.Release();
        }
    }
}
