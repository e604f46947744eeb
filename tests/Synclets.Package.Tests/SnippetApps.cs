using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Synclets.Package.Tests;

/// <summary>What the docs-snippet tests share: the snippet out of its page, the app's readiness, and raw WebSocket packets.</summary>
internal static partial class SnippetApps
{
    /// <summary>The first C# block of a markdown page, as written there.</summary>
    public static string FirstCSharpBlock(string markdown) => CSharpBlock().Match(markdown).Groups[1].Value;

    /// <summary>The address from the app's "Now listening on: ..." line: the signal that it is ready.</summary>
    public static async Task<string> ListeningAsync(Process app, TimeSpan patience)
    {
        while (await app.StandardOutput.ReadLineAsync().WaitAsync(patience) is { } line)
        {
            if (line.Contains("Now listening on: ", StringComparison.Ordinal))
            {
                return line[(line.IndexOf("Now listening on: ", StringComparison.Ordinal) + "Now listening on: ".Length)..].Trim();
            }
        }

        throw new InvalidOperationException("The app ended before it listened: " + await app.StandardError.ReadToEndAsync());
    }

    public static Task SendAsync(ClientWebSocket socket, string packet) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(packet), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[1 << 16];
        var text = new StringBuilder();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            if (result.EndOfMessage)
            {
                return text.ToString();
            }
        }
    }

    /// <summary>Writes a note as a raw client would, asks for an acknowledgement, and returns the packet that carries it (answered only once the write is committed).</summary>
    public static async Task<string> WriteAndAwaitAcknowledgementAsync(ClientWebSocket socket)
    {
        await SendAsync(socket, "* AAAAAAAAAAAAAAAA 0 1 [1,0,2,[\"note1\",\"text\"],[\"OhqqeV-----BT7zq\",\"hello\"],{}]");
        await SendAsync(socket, "* BBBBBBBBBBBBBBBB 0 1 [1,0,2,[],0,{\"\uFFFAack\":\"nonce1\"}]");
        string packet;
        do
        {
            packet = await ReceiveAsync(socket).WaitAsync(TimeSpan.FromSeconds(60));
        }
        while (!packet.Contains("\uFFFAacked", StringComparison.Ordinal));

        return packet;
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
