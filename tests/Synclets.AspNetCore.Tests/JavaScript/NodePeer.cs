namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>
/// <c>peer.mjs</c> running in Node.js: a JavaScript WebSocket client the test drives line by line
/// (<see cref="Send"/>) and whose received packets it reads (<see cref="NextReceivedAsync"/>).
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    private readonly NodeScript _script;

    private NodePeer(NodeScript script) => _script = script;

    /// <summary>Starts the peer on <paramref name="url"/> and waits until its socket is open.</summary>
    public static async Task<NodePeer> ConnectAsync(Uri url)
    {
        var script = NodeScript.Start("peer.mjs", url.ToString());
        var first = await script.NextLineAsync();
        return first == "open" ? new NodePeer(script) : throw new InvalidOperationException($"The Node.js peer did not connect: '{first}'. {script.Errors}");
    }

    /// <summary>Sends one packet as a WebSocket text frame.</summary>
    public void Send(string packet) => _script.WriteLine("send " + packet);

    /// <summary>The next packet the peer received whose message (the packet's fifth part) satisfies <paramref name="wanted"/>.</summary>
    public async Task<(string From, string Message)> NextReceivedAsync(Func<string, bool> wanted)
    {
        while (true)
        {
            var line = await _script.NextLineAsync();
            if (!line.StartsWith("recv ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The Node.js peer said '{line}'. {_script.Errors}");
            }

            var parts = line[5..].Split(' ', 5);
            if (parts.Length == 5 && wanted(parts[4]))
            {
                return (parts[0], parts[4]);
            }
        }
    }

    /// <summary>The peer closes its socket and exits.</summary>
    public ValueTask DisposeAsync() => _script.DisposeAsync();
}
