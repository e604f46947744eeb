using System.Net;
using System.Net.Sockets;

namespace Synclets.Samples.Cluster;

/// <summary>
/// A TCP load balancer on loopback, as a cluster's clients meet one: each new connection goes to
/// the next node in turn that accepts it, with no stickiness; a node that is gone is skipped.
/// </summary>
public sealed class Balancer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Uri> _nodes;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _next;

    public Balancer(IEnumerable<Uri> nodes)
    {
        _nodes = [.. nodes];
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The address clients use.</summary>
    public Uri Endpoint => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>The WebSocket address of a room through the balancer.</summary>
    public Uri Room(string room) => new(Endpoint, "/sync/" + room);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            for (var attempt = 0; attempt < _nodes.Count; attempt++)
            {
                var node = _nodes[(int)((uint)Interlocked.Increment(ref _next) % _nodes.Count)];
                using var backend = new TcpClient();
                try
                {
                    await backend.ConnectAsync(node.Host, node.Port, _stop.Token);
                }
                catch (SocketException)
                {
                    continue; // That node is down: the next.
                }

                using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = PipeAsync(client.GetStream(), backend.GetStream(), both);
                var down = PipeAsync(backend.GetStream(), client.GetStream(), both);
                await Task.WhenAny(up, down);
                await both.CancelAsync();
                return;
            }
        }
    }

    private static async Task PipeAsync(Stream from, Stream to, CancellationTokenSource both)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, both.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), both.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // One side closed: the other is closed with it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
