using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Synclets.Transports;

/// <summary>
/// A client transport over <see cref="ClientWebSocket"/>: connects to a Synclets broker (ours, or a
/// JavaScript one), sends and receives text packets, and reconnects by itself with backoff when
/// the connection drops, asking its synclet to resync each time.
/// </summary>
/// <example><code>var transport = new WebSocketTransport(new Uri("ws://localhost:5000/sync/todos"));</code></example>
public sealed partial class WebSocketTransport : Transport
{
    private readonly Uri _uri;
    private readonly WebSocketTransportOptions _options;
    private Channel<EncodedPacket>? _outbox;
    private CancellationTokenSource? _stopping;
    private Task? _running;
    private ClientWebSocket? _socket;
    private CancellationToken _connection = new(canceled: true); // The current connection's; cancelled while there is none.
    private Task _sendLoop = Task.CompletedTask; // The current connection's.
    private volatile bool _stopRequested;
    private IWebSocketConnectionObserver? _connectionObserver; // The current connection's, when the options have an observer.

    /// <summary>Creates a transport for the broker at <paramref name="uri"/> (ws:// or wss://).</summary>
    public WebSocketTransport(Uri uri, WebSocketTransportOptions? options = null)
        : base((options ?? new WebSocketTransportOptions()).Transport)
    {
        ArgumentNullException.ThrowIfNull(uri);
        _uri = uri;
        _options = options ?? new WebSocketTransportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxQueuedPackets, 1, nameof(options));
    }

    /// <summary>True while the socket is open.</summary>
    public override bool IsConnected => IsAttached && _socket?.State == WebSocketState.Open;

    /// <summary>True while the transport is between connections, trying to (re)connect.</summary>
    public override bool IsConnecting => IsAttached && !_stopRequested && !IsConnected;

    /// <summary>How many times the connection was re-established after a drop.</summary>
    public int Reconnections { get; private set; }

    /// <summary>Raised (on a background thread) each time the connection is re-established, after the resync was requested.</summary>
    public event EventHandler? Reconnected;

    /// <summary>
    /// Connects, or, when the server cannot be reached, starts offline and keeps trying in the
    /// background (unless <see cref="WebSocketTransportOptions.RequireConnectionOnStart"/>).
    /// </summary>
    /// <exception cref="WebSocketException">The server answered and refused the connection (its HTTP status is in the message), or it cannot be reached and a connection is required.</exception>
    protected override async ValueTask ConnectAsync(CancellationToken cancellationToken)
    {
        _stopRequested = false;
        _stopping = new CancellationTokenSource();
        _outbox = Channel.CreateBounded<EncodedPacket>(new BoundedChannelOptions(_options.MaxQueuedPackets) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        ClientWebSocket? socket = null;
        try
        {
            socket = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException exception) when (!_options.RequireConnectionOnStart && !exception.Data.Contains(RefusedKey))
        {
            LogStartedOffline(Logger, Ids.Readable(SelfId ?? string.Empty), _uri, exception.Message);
        }

        if (socket is not null)
        {
            // Connected from now on, not from when the loop below gets a thread: a packet that
            // finds the queue full before then waits for room instead of being dropped.
            _connection = _stopping.Token;
        }

        _running = Task.Run(() => RunAsync(socket, _stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// Stops without losing what was written: the queued packets go to the socket, the close
    /// handshake completes, and only past <see cref="WebSocketTransportOptions.StopTimeout"/> is
    /// the socket aborted. Never throws for a socket that is closing or gone.
    /// </summary>
    protected override async ValueTask DisconnectAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null)
        {
            return;
        }

        _stopRequested = true;
        _outbox?.Writer.TryComplete(); // The send loop writes what is queued, then ends.
        if (_socket is { State: WebSocketState.Open } socket)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(_options.StopTimeout);
            try
            {
                await _sendLoop.WaitAsync(bounded.Token).ConfigureAwait(false);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "synclet stopped", bounded.Token).ConfigureAwait(false);
                await _running!.WaitAsync(bounded.Token).ConfigureAwait(false); // Ends when the server's close frame arrives.
            }
            catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or TimeoutException or ObjectDisposedException)
            {
                // Too slow, or already gone (the receive loop may dispose a socket the server dropped): aborted below; the server resyncs whatever did not arrive.
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _connectionObserver?.Closed(); // What the server sends from now on will not be read.
        if (_running is not null)
        {
            await _running.ConfigureAwait(false);
        }

        DrainOutbox();
        _stopping.Dispose();
        _stopping = null;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Waits while <see cref="WebSocketTransportOptions.MaxQueuedPackets"/> packets wait for the
    /// socket (flow control: the synclet produces no faster than the broker reads). While the
    /// connection is down a packet that finds the queue full is dropped instead: the resync after
    /// reconnecting repairs whatever it carried.
    /// </remarks>
    protected override ValueTask SendPacketAsync(string packet, CancellationToken cancellationToken) =>
        Enqueue(packet, [], cancellationToken);

    /// <summary>Encodes the packet straight from its header and fragment, without joining them into a string first.</summary>
    private protected override ValueTask SendPacketAsync(string header, ReadOnlyMemory<char> fragment, string? exceptPeer, CancellationToken cancellationToken) =>
        Enqueue(header, fragment.Span, cancellationToken); // A client relays nothing: exceptPeer is always null here.

    private ValueTask Enqueue(string header, ReadOnlySpan<char> fragment, CancellationToken cancellationToken)
    {
        var outbox = _outbox;
        if (outbox is null)
        {
            return ValueTask.CompletedTask;
        }

        _options.Observer?.PacketQueued();
        var packet = EncodedPacket.Encode(header, fragment);
        if (outbox.Writer.TryWrite(packet))
        {
            return ValueTask.CompletedTask;
        }

        var connection = _connection;
        if (connection.IsCancellationRequested)
        {
            Dropped(packet);
            return ValueTask.CompletedTask;
        }

        return WaitToSendAsync(outbox, packet, connection, cancellationToken);
    }

    private async ValueTask WaitToSendAsync(Channel<EncodedPacket> outbox, EncodedPacket packet, CancellationToken connection, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(connection, cancellationToken);
        try
        {
            await outbox.Writer.WriteAsync(packet, either.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            Dropped(packet); // The connection dropped or the transport stopped: the resync repairs it.
        }
    }

    /// <summary>A packet that will not be sent: its buffer goes back, and it no longer counts as in flight.</summary>
    private void Dropped(EncodedPacket packet)
    {
        packet.Release();
        _options.Observer?.PacketDropped();
    }

    /// <summary>Marks a connection failure where the server answered and refused: retrying will not help.</summary>
    private const string RefusedKey = "Synclets.Refused";

    private async Task<ClientWebSocket> OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = _options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = _options.KeepAliveTimeout;
        socket.Options.CollectHttpResponseDetails = true;
        _options.ConfigureSocket?.Invoke(socket.Options);
        _connectionObserver = _options.Observer?.Connecting(socket.Options);

        try
        {
            await socket.ConnectAsync(_uri, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException exception) when (socket.HttpStatusCode != 0)
        {
            exception.Data[RefusedKey] = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw;
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        LogConnected(Logger, Ids.Readable(SelfId ?? string.Empty), _uri);
        OnConnectionChanged();
        return socket;
    }

    /// <summary>Runs one connection at a time: receive and send until it drops, then reconnect with backoff.</summary>
    private async Task RunAsync(ClientWebSocket? first, CancellationToken stopping)
    {
        var delay = _options.ReconnectDelay;
        var socket = first;
        while (!stopping.IsCancellationRequested)
        {
            if (socket is not null)
            {
                using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                _connection = connection.Token;
                var sending = _sendLoop = SendLoopAsync(socket, connection.Token);
                var reason = await ReceiveLoopAsync(socket, connection.Token).ConfigureAwait(false);
                _connectionObserver?.Closed();
                await connection.CancelAsync().ConfigureAwait(false);
                await sending.ConfigureAwait(false);
                socket.Dispose();
                if (stopping.IsCancellationRequested || _stopRequested)
                {
                    return;
                }

                LogDropped(Logger, Ids.Readable(SelfId ?? string.Empty), _uri, reason);
                OnConnectionChanged();
            }

            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(delay, stopping).ConfigureAwait(false); // The last attempt (or the drop) was just now.
                    socket = await OpenAsync(stopping).ConfigureAwait(false);
                    delay = _options.ReconnectDelay;
                    Reconnections++;
                    LogReconnected(Logger, Ids.Readable(SelfId ?? string.Empty), _uri);
                    RequestResync();
                    Reconnected?.Invoke(this, EventArgs.Empty);
                    break;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (WebSocketException exception)
                {
                    LogReconnectFailed(Logger, Ids.Readable(SelfId ?? string.Empty), _uri, delay, exception.Message);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                }
            }
        }
    }

    private async Task<string> ReceiveLoopAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return $"the broker closed the connection ({result.CloseStatus}: {result.CloseStatusDescription})";
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > _options.MaxPacketLength * 3L)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "packet too big", CancellationToken.None).ConfigureAwait(false);
                    return $"the broker sent a packet over {_options.MaxPacketLength} characters";
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    ReceivePacket(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                    _connectionObserver?.PacketReceived();
                }

                message.SetLength(0);
            }
        }
        catch (OperationCanceledException)
        {
            return "stopped";
        }
        catch (WebSocketException exception)
        {
            return exception.Message;
        }
    }

    private async Task SendLoopAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var packet in _outbox!.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await packet.SendAsync(socket, cancellationToken).ConfigureAwait(false);
                }
                catch (WebSocketException)
                {
                    // The receive loop reports the drop; the resync after reconnecting repairs what was lost.
                    Dropped(packet);
                    return;
                }

                packet.Release();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping or reconnecting.
        }
    }

    private void DrainOutbox()
    {
        while (_outbox is not null && _outbox.Reader.TryRead(out var packet))
        {
            Dropped(packet);
        }
    }

    [LoggerMessage(20, LogLevel.Warning, "Synclet {SyncletId}'s connection to {Uri} dropped: {Reason}. Reconnecting.")]
    private static partial void LogDropped(ILogger logger, string syncletId, Uri uri, string reason);

    [LoggerMessage(21, LogLevel.Information, "Synclet {SyncletId} reconnected to {Uri}; resyncing.")]
    private static partial void LogReconnected(ILogger logger, string syncletId, Uri uri);

    [LoggerMessage(23, LogLevel.Warning, "Synclet {SyncletId} could not connect to {Uri} ({Reason}); working offline, and connecting as soon as it can be reached.")]
    private static partial void LogStartedOffline(ILogger logger, string syncletId, Uri uri, string reason);

    [LoggerMessage(24, LogLevel.Debug, "Synclet {SyncletId} connected to {Uri}.")]
    private static partial void LogConnected(ILogger logger, string syncletId, Uri uri);

    [LoggerMessage(22, LogLevel.Warning, "Synclet {SyncletId} could not reconnect to {Uri}: {Reason}. Trying again in {Delay}.")]
    private static partial void LogReconnectFailed(ILogger logger, string syncletId, Uri uri, TimeSpan delay, string reason);
}
