using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Synclets.Transports;

namespace Synclets.AspNetCore;

/// <summary>
/// One activity count over a server and its clients in the same process, so that
/// <see cref="Quiescence"/> can wait until the whole network is idle: packets queued by a client
/// count until the server has routed them, packets the room delivers until the client has
/// received them (or the connection closed). For tests, benchmarks and in-process demos; give the
/// same instance to the server (<see cref="SyncletsServerOptions.Observer"/>) and to every client
/// (<see cref="WebSocketTransportOptions.Observer"/>). Every client of a watched room must share
/// it: a packet from a client that counted nothing would be released twice.
/// </summary>
/// <example><code>
/// var wire = new InProcessWire();
/// builder.Services.AddSynclets(options => options.Observer = wire);
/// var transport = new WebSocketTransport(room, new WebSocketTransportOptions { Observer = wire });
/// await Quiescence.WaitAsync(synclet, wire);
/// </code></example>
public sealed class InProcessWire : IIdleSource, IWebSocketTransportObserver, ISyncletsServerObserver
{
    /// <summary>The request header that pairs a client's connection with the server's side of it.</summary>
    private const string ConnectionHeader = "X-Synclets-In-Process-Wire";

    private readonly ActivityCounter _activity = new();
    private readonly ConcurrentDictionary<string, WireLedger> _connections = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public bool IsIdle => _activity.IsIdle;

    /// <inheritdoc/>
    public long Generation => _activity.Generation;

    /// <inheritdoc/>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default) => _activity.WhenIdleAsync(cancellationToken);

    IWebSocketConnectionObserver IWebSocketTransportObserver.Connecting(ClientWebSocketOptions socketOptions)
    {
        var key = Guid.NewGuid().ToString("N");
        socketOptions.SetRequestHeader(ConnectionHeader, key);
        return Ledger(key);
    }

    void IWebSocketTransportObserver.PacketQueued() => _activity.Enter();

    void IWebSocketTransportObserver.PacketDropped() => _activity.Exit();

    ActivityCounter? ISyncletsServerObserver.RoomOpening(string room) => _activity;

    IServerConnectionObserver? ISyncletsServerObserver.Connected(HttpContext context) =>
        context.Request.Headers[ConnectionHeader].ToString() is { Length: > 0 } key ? Ledger(key) : null;

    /// <summary>The connection's one ledger, whichever end asks first; forgotten once it closes (each end asks once).</summary>
    private WireLedger Ledger(string key) =>
        _connections.GetOrAdd(key, static (key, wire) => new WireLedger(wire._activity, () => wire._connections.TryRemove(key, out _)), this);
}
