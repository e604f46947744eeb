namespace Synclets.Transports;

/// <summary>How a <see cref="WebSocketTransport"/> connects and reconnects.</summary>
public sealed class WebSocketTransportOptions
{
    /// <summary>Fragmenting and reassembly limits (by default <see cref="TransportOptions.Network"/>).</summary>
    public TransportOptions Transport { get; init; } = TransportOptions.Network;

    /// <summary>The first wait before reconnecting; it doubles after each failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest incoming packet accepted; a longer one closes the connection (the server misbehaves).</summary>
    public int MaxPacketLength { get; init; } = 1 << 20;

    /// <summary>
    /// How many packets may wait for the socket. Sending waits beyond it (flow control), so a
    /// synclet streaming a large store cannot run far ahead of the broker and pile the stream up
    /// in memory. 64 packets of the network fragment size are at most 4 MB of text.
    /// </summary>
    public int MaxQueuedPackets { get; init; } = 64;

    /// <summary>Sets up each new socket before it connects: request headers (an auth token), sub-protocols, proxies.</summary>
    public Action<System.Net.WebSockets.ClientWebSocketOptions>? ConfigureSocket { get; init; }

    /// <summary>
    /// For tests, benchmarks and in-process demos only: told of every packet queued, dropped and
    /// received and of every connection, so the process can see the whole network idle (see
    /// <see cref="IWebSocketTransportObserver"/>). None by default.
    /// </summary>
    public IWebSocketTransportObserver? Observer { get; init; }

    /// <summary>
    /// How long stopping may take to hand the queued packets to the socket and complete the close
    /// handshake before the socket is aborted. Five seconds by default.
    /// </summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When false (the default), a synclet starts even while the server cannot be reached: it
    /// works locally and connects, with backoff, once the server is there (offline first). When
    /// true, starting throws if the first connection fails. A server that answers and refuses
    /// (401, 403, 404...) always fails the start, with its status in the message.
    /// </summary>
    public bool RequireConnectionOnStart { get; init; }

    /// <summary>How often the client pings the server (WebSocket ping frames), so an idle connection stays open through proxies.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a ping may wait for its pong before the connection counts as dropped (and is reconnected).</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
