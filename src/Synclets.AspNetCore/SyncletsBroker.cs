using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synclets.Transports;

namespace Synclets.AspNetCore;

/// <summary>
/// The server behind <c>MapSynclets</c>: gives each WebSocket a random id in its room, routes its
/// packets, enforces the limits, and loads a stored room's synclet on first use and releases it
/// when the last connection leaves.
/// </summary>
public sealed partial class SyncletsBroker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _roomGate = new(1, 1);
    private readonly SyncletsServerOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly IServiceProvider _services;
    private readonly CancellationToken _shuttingDown;

    /// <summary>Creates the broker (done by <c>AddSynclets</c>).</summary>
    public SyncletsBroker(IOptions<SyncletsServerOptions> options, ILoggerFactory loggers, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        _shuttingDown = (services.GetService(typeof(IHostApplicationLifetime)) as IHostApplicationLifetime)?.ApplicationStopping ?? CancellationToken.None;
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SyncletsBroker>();
        _services = services;
    }

    /// <summary>Raised when a connection has left its room, for whatever reason (metrics, tests).</summary>
    public event EventHandler<SyncletsConnection>? ConnectionClosed;

    /// <summary>The names of the rooms open now.</summary>
    public IReadOnlyCollection<string> RoomNames => [.. _rooms.Keys];

    /// <summary>The synclet of a stored room, while the room is open (for inspection and tests).</summary>
    public Synclet? GetRoomStore(string room) => _rooms.TryGetValue(room, out var open) ? open.Store : null;

    /// <summary>The user and rights of a connection (a hook gets its id with <see cref="Ids.PeerOf"/>).</summary>
    public SyncletsConnection? GetConnection(string room, string connectionId) =>
        _rooms.TryGetValue(room, out var open) && open.Find(connectionId) is { } connection
            ? new SyncletsConnection(connection.Id, room, connection.User, connection.ReadOnly)
            : null;

    /// <summary>How many partly received messages the room's own synclet holds (for diagnostics: a client that vanished mid-message leaves none).</summary>
    public int GetRoomPendingMessages(string room) => _rooms.TryGetValue(room, out var open) ? open.StoreTransport?.PendingMessageCount ?? 0 : 0;

    /// <summary>Serves one WebSocket request in <paramref name="roomName"/> until it closes.</summary>
    public async Task HandleAsync(HttpContext context, string roomName)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This Synclets endpoint takes WebSocket requests only (and the app must call UseWebSockets()).", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // The room (and its store) opens before the handshake completes: a client that is connected finds it ready.
        var room = await OpenRoomAsync(roomName, context.RequestAborted).ConfigureAwait(false);
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var ledger = _options.SharedActivity is { } shared && context.Request.Headers[WebSocketTransport.LedgerHeader].ToString() is { Length: > 0 } key ? shared.Ledger(key) : null;
        var connection = new Connection(Packet.NewMessageId(), socket, _options.MaxQueuedPacketsPerConnection, room.Activity, ledger)
        {
            User = context.User,
            ReadOnly = _options.IsReadOnly?.Invoke(context) == true,
        };
        room.Add(connection);
        LogJoined(_logger, connection.Id, roomName, room.ConnectionCount);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shuttingDown);
        var writing = connection.WriteLoopAsync(ending.Token);
        var (status, reason) = await ReadLoopAsync(socket, connection, room, ending.Token).ConfigureAwait(false);
        if (connection.TooSlow)
        {
            // It does not read, so not even a close frame would reach it (and a write to it may hang): abort.
            LogDropped(_logger, connection.Id, roomName, $"it read too slowly ({_options.MaxQueuedPacketsPerConnection} packets queued); aborted");
            socket.Abort();
            (status, reason) = (null, "too slow: packets queued past the limit");
        }

        room.Remove(connection);
        connection.Complete();
        if (status is { } closeStatus && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseAsync(closeStatus, reason, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // The client is gone already.
            }
        }

        await ending.CancelAsync().ConfigureAwait(false);
        await writing.ConfigureAwait(false);
        LogLeft(_logger, connection.Id, roomName, reason);
        connection.Closing.Dispose();
        ConnectionClosed?.Invoke(this, new SyncletsConnection(connection.Id, roomName, connection.User, connection.ReadOnly));
        await ReleaseRoomIfEmptyAsync(room).ConfigureAwait(false);
    }

    /// <summary>Stops every stored room's synclet and releases its storage.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var room in _rooms.Values)
        {
            await CloseStoreAsync(room).ConfigureAwait(false);
        }

        _rooms.Clear();
        _roomGate.Dispose();
    }

    private async Task<(WebSocketCloseStatus? Status, string Reason)> ReadLoopAsync(WebSocket socket, Connection connection, Room room, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var packet = new MemoryStream();
        var maxBytes = _options.MaxPacketLength * 3L; // A UTF-16 unit takes at most 3 UTF-8 bytes.
        try
        {
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Closing.Token);
                idle.CancelAfter(_options.IdleTimeout);
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (connection.TooSlow)
                {
                    return (null, "too slow: packets queued past the limit");
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return (WebSocketCloseStatus.PolicyViolation, $"idle for {_options.IdleTimeout}");
                }

                switch (result.MessageType)
                {
                    case WebSocketMessageType.Close:
                        return (WebSocketCloseStatus.NormalClosure, "closed by the client");
                    case WebSocketMessageType.Binary:
                        LogDropped(_logger, connection.Id, room.Name, "it sent a binary frame; packets are text");
                        return (WebSocketCloseStatus.InvalidMessageType, "packets are text frames");
                }

                packet.Write(buffer, 0, result.Count);
                if (packet.Length > maxBytes)
                {
                    LogDropped(_logger, connection.Id, room.Name, $"it sent a packet over {_options.MaxPacketLength} characters");
                    return (WebSocketCloseStatus.MessageTooBig, $"packets are at most {_options.MaxPacketLength} characters");
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                Route(connection, room, packet);
                packet.SetLength(0);

                // Flow control: while the room's synclet has a full queue, read no further, so a
                // client streaming faster than the store applies waits on its own socket.
                if (room.StoreTransport is { } store)
                {
                    await store.WhenReceiverReadyAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_shuttingDown.IsCancellationRequested)
        {
            return (WebSocketCloseStatus.EndpointUnavailable, "the server is shutting down");
        }
        catch (OperationCanceledException)
        {
            return (null, "the request was aborted");
        }
        catch (WebSocketException exception)
        {
            return (null, exception.Message);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private void Route(Connection connection, Room room, MemoryStream packet)
    {
        if (!TryDecodeReaddressed(packet, connection.Id, out var to, out var readdressed, out var length))
        {
            LogDropped(_logger, connection.Id, room.Name, "a packet is not '<to> <messageId> <index> <total> <fragment>' text");
        }
        else if (length > _options.MaxPacketLength)
        {
            LogDropped(_logger, connection.Id, room.Name, $"a packet of {length} characters is over the limit of {_options.MaxPacketLength}");
        }
        else if (!room.Send(connection, to, readdressed))
        {
            LogDropped(_logger, connection.Id, room.Name, "a packet is not '<to> <messageId> <index> <total> <fragment>' text");
        }

        // A client sharing the counter entered this packet when it sent it.
        if (connection.SharesActivity)
        {
            _options.SharedActivity!.Exit();
        }
    }

    /// <summary>
    /// Decodes a received packet straight into its readdressed form (the sender's id in place of
    /// its first token, see <see cref="Packet.TryReaddress"/>): one string where decoding and then
    /// readdressing made two. False for bytes that are not UTF-8 or a packet with no first token.
    /// </summary>
    private static bool TryDecodeReaddressed(MemoryStream packet, string from, out string to, out string readdressed, out int length)
    {
        to = readdressed = string.Empty;
        length = 0;
        var bytes = packet.GetBuffer().AsSpan(0, (int)packet.Length);
        var space = bytes.IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        try
        {
            to = StrictUtf8.GetString(bytes[..space]);
            var rest = bytes[space..];
            var restLength = StrictUtf8.GetCharCount(rest);
            length = to.Length + restLength;
            readdressed = string.Create(from.Length + restLength, (from, packet, space), static (chars, state) =>
            {
                state.from.CopyTo(chars);
                StrictUtf8.GetChars(state.packet.GetBuffer().AsSpan(state.space, (int)state.packet.Length - state.space), chars[state.from.Length..]);
            });
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private async Task<Room> OpenRoomAsync(string name, CancellationToken cancellationToken)
    {
        if (_rooms.TryGetValue(name, out var open))
        {
            return open;
        }

        await _roomGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_rooms.TryGetValue(name, out open))
            {
                return open;
            }

            var room = new Room(name, _options.SharedActivity);
            var storage = _options.StoreFactory is null ? null : await _options.StoreFactory(name, _services, cancellationToken).ConfigureAwait(false);
            if (storage is not null)
            {
                var hooks = _options.HooksFactory?.Invoke(name, _services) ?? SyncletHooks.AllowAll;
                if (_options.IsReadOnly is not null)
                {
                    hooks = new ReadOnlyGuardHooks(hooks, peer => room.Find(peer)?.ReadOnly == true);
                }

                room.StoreTransport = room.CreateTransport(_options.RoomTransport);
                room.Store = new Synclet(storage.Data, storage.Meta, room.StoreTransport, new SyncletOptions { Id = Ids.ServerId, LoggerFactory = _loggers, Hooks = hooks, MaxQueuedBytes = _options.MaxQueuedBytesPerRoom });
                room.StoreOwner = storage.Owner;
                await room.Store.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            _rooms[name] = room;
            LogRoomOpened(_logger, name, storage is null ? "relay-only" : "with a store");
            return room;
        }
        finally
        {
            _roomGate.Release();
        }
    }

    private async Task ReleaseRoomIfEmptyAsync(Room room)
    {
        await _roomGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (room.ConnectionCount > 0 || !_rooms.TryRemove(new KeyValuePair<string, Room>(room.Name, room)))
            {
                return;
            }

            await CloseStoreAsync(room).ConfigureAwait(false);
            LogRoomReleased(_logger, room.Name);
        }
        finally
        {
            _roomGate.Release();
        }
    }

    private static async Task CloseStoreAsync(Room room)
    {
        if (room.Store is not null)
        {
            await room.Store.DisposeAsync().ConfigureAwait(false);
            room.Store = null;
        }

        if (room.StoreOwner is not null)
        {
            await room.StoreOwner.DisposeAsync().ConfigureAwait(false);
            room.StoreOwner = null;
        }
    }

    [LoggerMessage(100, LogLevel.Information, "Connection {Connection} joined room '{Room}' ({Count} connected).")]
    private static partial void LogJoined(ILogger logger, string connection, string room, int count);

    [LoggerMessage(101, LogLevel.Information, "Connection {Connection} left room '{Room}': {Reason}.")]
    private static partial void LogLeft(ILogger logger, string connection, string room, string reason);

    [LoggerMessage(102, LogLevel.Warning, "Connection {Connection} in room '{Room}' misbehaved: {Reason}.")]
    private static partial void LogDropped(ILogger logger, string connection, string room, string reason);

    [LoggerMessage(103, LogLevel.Information, "Room '{Room}' opened, {Kind}.")]
    private static partial void LogRoomOpened(ILogger logger, string room, string kind);

    [LoggerMessage(104, LogLevel.Information, "Room '{Room}' released: its last connection left.")]
    private static partial void LogRoomReleased(ILogger logger, string room);
}
