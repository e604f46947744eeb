using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>
/// <c>peer.mjs</c> running in Node.js: a JavaScript WebSocket client the test drives line by line
/// (<see cref="Send"/>) and whose received packets it reads (<see cref="NextReceivedAsync"/>).
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Process _node;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _errors = new();

    private NodePeer(Process node)
    {
        _node = node;
        node.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(line.Data);
            }
        };
        node.ErrorDataReceived += (_, line) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(line.Data);
            }
        };
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
    }

    /// <summary>Starts the peer on <paramref name="url"/> and waits until its socket is open.</summary>
    public static async Task<NodePeer> ConnectAsync(Uri url)
    {
        var start = new ProcessStartInfo(NodeJs.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in NodeJs.WebSocketArguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "JavaScript", "peer.mjs"));
        start.ArgumentList.Add(url.ToString());
        var peer = new NodePeer(Process.Start(start)!);
        var first = await peer.NextLineAsync();
        return first == "open" ? peer : throw new InvalidOperationException($"The Node.js peer did not connect: '{first}'. {peer.Errors}");
    }

    /// <summary>Sends one packet as a WebSocket text frame.</summary>
    public void Send(string packet)
    {
        _node.StandardInput.WriteLine("send " + packet);
        _node.StandardInput.Flush();
    }

    /// <summary>The next packet the peer received whose message (the packet's fifth part) satisfies <paramref name="wanted"/>.</summary>
    public async Task<(string From, string Message)> NextReceivedAsync(Func<string, bool> wanted)
    {
        while (true)
        {
            var line = await NextLineAsync();
            if (!line.StartsWith("recv ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The Node.js peer said '{line}'. {Errors}");
            }

            var parts = line[5..].Split(' ', 5);
            if (parts.Length == 5 && wanted(parts[4]))
            {
                return (parts[0], parts[4]);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _node.StandardInput.Close(); // The peer closes its socket and exits.
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await _node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _node.Kill(entireProcessTree: true);
        }

        _node.Dispose();
    }

    private string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.Length == 0 ? string.Empty : "Its errors: " + _errors;
            }
        }
    }

    private async Task<string> NextLineAsync()
    {
        try
        {
            return await _lines.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The Node.js peer exited. {Errors}");
        }
    }
}
