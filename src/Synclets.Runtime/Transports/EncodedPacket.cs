using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Synclets.Transports;

/// <summary>
/// A packet encoded as UTF-8 into a pooled buffer, waiting for its socket: a client's outbox holds
/// these rather than strings, so a packet is written once, straight from its header and fragment,
/// and a streamed reply's ~64 KB packets neither make a string each nor stay on the heap while
/// they wait. <see cref="Release"/> gives the buffer back once the packet is sent or dropped.
/// </summary>
internal readonly record struct EncodedPacket(byte[] Buffer, int Length)
{
    /// <summary>Encodes a packet given as its header and fragment, as if they were joined.</summary>
    public static EncodedPacket Encode(ReadOnlySpan<char> header, ReadOnlySpan<char> fragment)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(header.Length + fragment.Length));
        var length = Encoding.UTF8.GetBytes(header, buffer); // Headers are ASCII: no character is cut between the two.
        length += Encoding.UTF8.GetBytes(fragment, buffer.AsSpan(length));
        return new EncodedPacket(buffer, length);
    }

    /// <summary>Sends the packet as one WebSocket text message.</summary>
    public ValueTask SendAsync(WebSocket socket, CancellationToken cancellationToken) =>
        socket.SendAsync(Buffer.AsMemory(0, Length), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Gives the buffer back to the pool; the packet is unusable afterwards.</summary>
    public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
}
