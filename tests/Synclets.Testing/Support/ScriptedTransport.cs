using System.Collections.Concurrent;
using Synclets.Transports;

namespace Synclets.Tests.Support;

/// <summary>A transport driven by the test: it records what the synclet sends and injects raw packets.</summary>
public sealed class ScriptedTransport(TransportOptions? options = null) : Transport(options)
{
    public ConcurrentQueue<string> Sent { get; } = new();

    /// <summary>Hands the synclet a raw packet, as if it came off the wire.</summary>
    public void Inject(string packet) => ReceivePacket(packet);

    /// <summary>Sends a whole message text from <paramref name="from"/> as one packet.</summary>
    public void InjectMessage(string from, string messageText) => Inject($"{from} {Packet.NewMessageId()} 0 1 {messageText}");

    /// <summary>The message texts sent so far (single-fragment messages).</summary>
    public IEnumerable<string> SentMessages => Sent.Select(packet => packet.Split(' ', 5)[4]);

    protected override ValueTask ConnectAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    protected override ValueTask DisconnectAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    protected override ValueTask SendPacketAsync(string packet, CancellationToken cancellationToken)
    {
        Sent.Enqueue(packet);
        return ValueTask.CompletedTask;
    }
}
