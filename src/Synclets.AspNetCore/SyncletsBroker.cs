using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
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
    private readonly System.Diagnostics.Metrics.IMeterFactory? _meters;
    private readonly ServerMetrics _metrics;
    private readonly IRoomCluster? _cluster;

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
        _meters = services.GetService(typeof(System.Diagnostics.Metrics.IMeterFactory)) as System.Diagnostics.Metrics.IMeterFactory;
        _metrics = new ServerMetrics(_meters);
        _cluster = services.GetService(typeof(IRoomCluster)) as IRoomCluster;
    }

    /// <summary>Raised when a connection has left its room, for whatever reason (metrics, tests).</summary>
    public event EventHandler<SyncletsConnection>? ConnectionClosed;

    /// <summary>The names of the rooms open now.</summary>
    public IReadOnlyCollection<string> RoomNames => [.. _rooms.Keys];

    /// <summary>How many client connections the open rooms hold now.</summary>
    internal int ConnectionCount => _rooms.Values.Sum(room => room.ConnectionCount);

    /// <summary>True once the host is stopping: connections are being closed and the rooms drained.</summary>
    internal bool IsShuttingDown => _shuttingDown.IsCancellationRequested;

    /// <summary>The synclet of a stored room, while the room is open (for inspection and tests).</summary>
    public Synclet? GetRoomStore(string room) => _rooms.TryGetValue(room, out var open) ? open.Store : null;

    /// <summary>A stored room's trees when the room lives in the cluster (the live page's view of it); null when it is not open here or keeps no store.</summary>
    internal async Task<RoomTree?> GetClusteredTreeAsync(string room, CancellationToken cancellationToken) =>
        _rooms.TryGetValue(room, out var open) && open.Uplink is { HasStore: true } uplink ? await uplink.GetTreeAsync(cancellationToken).ConfigureAwait(false) : null;

    /// <summary>The user and rights of a connection (a hook gets its id with <see cref="Ids.PeerOf"/>).</summary>
    public SyncletsConnection? GetConnection(string room, string connectionId) =>
        _rooms.TryGetValue(room, out var open) && open.Find(connectionId) is { } connection
            ? new SyncletsConnection(connection.Id, room, connection.User, connection.ReadOnly)
            : null;

    /// <summary>The users and rights of the connections in a room now (none when it is not open).</summary>
    public IReadOnlyList<SyncletsConnection> GetConnections(string room) =>
        _rooms.TryGetValue(room, out var open) ? [.. open.Connections.Select(connection => new SyncletsConnection(connection.Id, room, connection.User, connection.ReadOnly))] : [];

    /// <summary>How many partly received messages the room's own synclet holds (for diagnostics: a client that vanished mid-message leaves none).</summary>
    public int GetRoomPendingMessages(string room) => _rooms.TryGetValue(room, out var open) ? open.StoreTransport?.PendingMessageCount ?? 0 : 0;

    /// <summary>Serves one WebSocket request in <paramref name="roomName"/> until it closes.</summary>
    public async Task HandleAsync(HttpContext context, string roomName)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "This Synclets endpoint takes WebSocket requests only (and the app must call UseWebSockets()).").ConfigureAwait(false);
            return;
        }

        if (RoomName.Problem(roomName, _options.MaxRoomNameLength) is { } problem)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, problem).ConfigureAwait(false);
            return;
        }

        // The room (and its store) opens before the handshake completes: a client that is connected finds it ready.
        var (room, refusal, status) = await HoldRoomAsync(context, roomName).ConfigureAwait(false);
        if (room is null)
        {
            await RefuseAsync(context, status, refusal!).ConfigureAwait(false);
            return;
        }

        var connection = new Connection(NewConnectionId(), _options.MaxQueuedPacketsPerConnection, _options.MaxQueuedBytesPerConnection, room.Activity, _options.Observer?.Connected(context), _options.SlowConnectionTimeout)
        {
            User = context.User,
            ReadOnly = _options.IsReadOnly?.Invoke(context) == true,
        };

        // Joined before the 101 goes out: a change broadcast during the handshake queues for it.
        room.Add(connection);
        try
        {
            connection.Socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = _options.KeepAliveInterval,
                KeepAliveTimeout = _options.KeepAliveTimeout,
            }).ConfigureAwait(false);
        }
        catch
        {
            room.Remove(connection);
            connection.Complete();
            await ReleaseRoomAsync(room).ConfigureAwait(false);
            throw;
        }

        using var socket = connection.Socket;
        _metrics.Connections.Add(1);
        var user = UserName(context);
        LogJoined(_logger, roomName, user, room.ConnectionCount);
        LogJoinedAs(_logger, connection.Id, roomName, user);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shuttingDown);
        var writing = connection.WriteLoopAsync(ending.Token);
        var (closeStatus, reason) = await ReadLoopAsync(socket, connection, room, ending.Token).ConfigureAwait(false);
        if (connection.TooSlow)
        {
            // It does not read, so not even a close frame would reach it (and a write to it may hang): abort.
            LogDropped(_logger, connection.Id, roomName, $"it read too slowly (over {_options.MaxQueuedPacketsPerConnection} packets or {_options.MaxQueuedBytesPerConnection} bytes queued); aborted");
            socket.Abort();
            (closeStatus, reason) = (null, "too slow: packets queued past the limit");
            _metrics.ConnectionsDropped.Add(1, new KeyValuePair<string, object?>("synclets.reason", "too_slow"));
        }

        room.Remove(connection);
        connection.Complete();
        if (closeStatus is { } code)
        {
            await CloseAsync(socket, code, reason).ConfigureAwait(false);
        }

        await ending.CancelAsync().ConfigureAwait(false);
        await writing.ConfigureAwait(false);
        _metrics.Connections.Add(-1);
        LogLeft(_logger, roomName, user, reason);
        LogLeftAs(_logger, connection.Id, roomName);
        connection.Closing.Dispose();
        ConnectionClosed?.Invoke(this, new SyncletsConnection(connection.Id, roomName, connection.User, connection.ReadOnly));
        await ReleaseRoomAsync(room).ConfigureAwait(false);
    }

    /// <summary>Stops every stored room's synclet, once the work it has queued is applied, and releases its storage.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var room in _rooms.Values)
        {
            await CloseStoreAsync(room).ConfigureAwait(false);
            _metrics.Rooms.Add(-1);
        }

        _rooms.Clear();
        _roomGate.Dispose();
    }

    /// <summary>A connection's id in its room: 96 random bits from the operating system's generator, so no client can guess another's.</summary>
    private static string NewConnectionId() => RandomNumberGenerator.GetString(Timestamp.Alphabet, 16);

    private static string UserName(HttpContext context) => context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : "anonymous";

    private static async Task RefuseAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends our close frame and waits, at most <see cref="SyncletsServerOptions.CloseTimeout"/>,
    /// for the client's answer; a client that never answers is aborted, so its socket is not held.
    /// </summary>
    private async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_options.CloseTimeout);
        try
        {
            await socket.CloseAsync(status, reason, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            socket.Abort(); // It never answered the close handshake.
        }
        catch (WebSocketException)
        {
            // The client is gone already.
        }
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
                catch (OperationCanceledException) when (connection.Ending is { } ending)
                {
                    return ending;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return (WebSocketCloseStatus.PolicyViolation, $"idle for {_options.IdleTimeout}");
                }

                switch (result.MessageType)
                {
                    case WebSocketMessageType.Close:
                        if (socket.CloseStatus is not (null or WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.EndpointUnavailable or WebSocketCloseStatus.Empty))
                        {
                            // 1002, 1007 and the like say something went wrong: worth a warning, not an information line.
                            LogDropped(_logger, connection.Id, room.Name, $"it closed the connection with {(int)socket.CloseStatus} ({socket.CloseStatus}): {socket.CloseStatusDescription}");
                        }

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
                else if (room.Uplink is { } uplink)
                {
                    await uplink.WhenReadyAsync(cancellationToken).ConfigureAwait(false);
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
        // Current while the room delivers: a stored room's synclet takes it as its receive's parent.
        using var activity = ServerTracing.StartRoute(room.Name, connection.Id, packet.Length);
        if (!TryDecodeReaddressed(packet, connection.Id, out var to, out var readdressed, out var length))
        {
            _metrics.Dropped("malformed");
            ServerTracing.Dropped(activity, "malformed");
            LogDropped(_logger, connection.Id, room.Name, "a packet is not '<to> <messageId> <index> <total> <fragment>' text");
        }
        else if (length > _options.MaxPacketLength)
        {
            _metrics.Dropped("too_large");
            ServerTracing.Dropped(activity, "too_large");
            LogDropped(_logger, connection.Id, room.Name, $"a packet of {length} characters is over the limit of {_options.MaxPacketLength}");
        }
        else if (room.Send(connection, to, readdressed) is { } refusal)
        {
            _metrics.Dropped("refused");
            ServerTracing.Dropped(activity, "refused");
            LogRefused(_logger, connection.Id, room.Name, refusal);
        }
        else
        {
            _metrics.PacketsRouted.Add(1);
        }

        connection.Observer?.PacketRouted();
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

    /// <summary>
    /// Opens the room (or finds it open) and counts the request as one of its holders, under the
    /// room gate, so that a room is never released between a request finding it and joining it.
    /// Returns the refusal and its HTTP status instead when the room may not be opened.
    /// </summary>
    private async Task<(Room? Room, string? Refusal, int Status)> HoldRoomAsync(HttpContext context, string name)
    {
        await _roomGate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            if (!_rooms.TryGetValue(name, out var room) || room.IsLost)
            {
                if (room is not null)
                {
                    // Its home in the cluster was lost; its connections are closing. A new one
                    // opens afresh, and the old one closes when its last holder leaves.
                    _rooms.TryRemove(new KeyValuePair<string, Room>(name, room));
                    _metrics.Rooms.Add(-1);
                }

                if (_rooms.Count >= _options.MaxRooms)
                {
                    LogRoomRefused(_logger, name, $"the server has its maximum of {_options.MaxRooms} rooms open");
                    return (null, $"The server has its maximum of {_options.MaxRooms} rooms open; try again later.", StatusCodes.Status503ServiceUnavailable);
                }

                if (_options.CanOpenRoom is { } canOpen && !await canOpen(context, name).ConfigureAwait(false))
                {
                    LogRoomRefused(_logger, name, "CanOpenRoom refused it");
                    return (null, $"This user may not open the room '{name}'.", StatusCodes.Status403Forbidden);
                }

                try
                {
                    room = await OpenRoomAsync(name, context.RequestAborted).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not (OperationCanceledException or InvalidOperationException or OutOfMemoryException))
                {
                    // Its storage or, in a cluster, its node cannot be reached now (a node died and
                    // the room is moving): the client's transport tries again with backoff.
                    LogRoomRefused(_logger, name, $"it could not be opened: {exception.GetBaseException().Message}");
                    return (null, $"The room '{name}' could not be opened now; try again.", StatusCodes.Status503ServiceUnavailable);
                }

                _rooms[name] = room;
                _metrics.Rooms.Add(1);
            }

            room.Holders++;
            return (room, null, 0);
        }
        finally
        {
            _roomGate.Release();
        }
    }

    private async Task<Room> OpenRoomAsync(string name, CancellationToken cancellationToken)
    {
        var room = new Room(name, _options.Observer?.RoomOpening(name));
        if (_cluster is not null)
        {
            // The room lives once in the cluster; this node holds its own connections only.
            room.Uplink = await _cluster.OpenAsync(name, room, cancellationToken).ConfigureAwait(false);
            LogRoomOpened(_logger, name, room.Uplink.HasStore ? "with a store, in the cluster" : "relay-only, across the cluster");
            return room;
        }

        var store = await RoomStore.OpenAsync(name, _options, _services, _loggers, _meters, room, peer => room.Find(peer)?.User, peer => room.Find(peer)?.ReadOnly == true, cancellationToken).ConfigureAwait(false);
        if (store is not null)
        {
            room.StoreTransport = store.Transport;
            room.Store = store.Synclet;
            room.StoreOwner = store;
        }

        LogRoomOpened(_logger, name, store is null ? "relay-only" : "with a store");
        return room;
    }

    /// <summary>
    /// A request that held the room has ended; the last one releases it, but only once its store
    /// has applied every message already received: a client that wrote a lot and left at once
    /// must find all of it stored when it comes back.
    /// </summary>
    private async Task ReleaseRoomAsync(Room room)
    {
        await _roomGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (--room.Holders > 0)
            {
                return;
            }

            // Not in the map when it was lost and replaced, or when the server is disposed (which closed it).
            var wasOpen = _rooms.TryRemove(new KeyValuePair<string, Room>(room.Name, room));
            await CloseStoreAsync(room).ConfigureAwait(false);
            if (wasOpen)
            {
                _metrics.Rooms.Add(-1);
                LogRoomReleased(_logger, room.Name);
            }
        }
        finally
        {
            _roomGate.Release();
        }
    }

    /// <summary>Lets the store apply what it has queued, then stops it and disposes its storage; or, in a cluster, drains and closes the node's link.</summary>
    private static async Task CloseStoreAsync(Room room)
    {
        if (room.Closed)
        {
            return;
        }

        room.Closed = true;
        if (room.StoreOwner is { } store)
        {
            await store.CloseAsync().ConfigureAwait(false);
            room.Store = null;
            room.StoreOwner = null;
        }

        if (room.Uplink is { } uplink)
        {
            await uplink.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(100, LogLevel.Information, "A connection of {User} joined room '{Room}' ({Count} connected).")]
    private static partial void LogJoined(ILogger logger, string room, string user, int count);

    [LoggerMessage(105, LogLevel.Debug, "Connection {Connection} in room '{Room}' is {User}'s.")]
    private static partial void LogJoinedAs(ILogger logger, string connection, string room, string user);

    [LoggerMessage(101, LogLevel.Information, "A connection of {User} left room '{Room}': {Reason}.")]
    private static partial void LogLeft(ILogger logger, string room, string user, string reason);

    [LoggerMessage(106, LogLevel.Debug, "Connection {Connection} left room '{Room}'.")]
    private static partial void LogLeftAs(ILogger logger, string connection, string room);

    [LoggerMessage(102, LogLevel.Warning, "Connection {Connection} in room '{Room}' misbehaved: {Reason}.")]
    private static partial void LogDropped(ILogger logger, string connection, string room, string reason);

    [LoggerMessage(107, LogLevel.Warning, "Connection {Connection} in room '{Room}' sent a packet that was refused: {Reason}.")]
    private static partial void LogRefused(ILogger logger, string connection, string room, string reason);

    [LoggerMessage(103, LogLevel.Information, "Room '{Room}' opened, {Kind}.")]
    private static partial void LogRoomOpened(ILogger logger, string room, string kind);

    [LoggerMessage(104, LogLevel.Information, "Room '{Room}' released: its last connection left, and what it had received is applied.")]
    private static partial void LogRoomReleased(ILogger logger, string room);

    [LoggerMessage(108, LogLevel.Warning, "A request to open room '{Room}' was refused: {Reason}.")]
    private static partial void LogRoomRefused(ILogger logger, string room, string reason);
}
