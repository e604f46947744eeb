using System.Diagnostics;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>Finds a Node.js whose global <c>WebSocket</c> works (built in from Node.js 22, behind a flag in 20 and 21).</summary>
public static class NodeJs
{
    private static readonly Lazy<string[]?> Arguments = new(Probe);

    public static string Executable => "node";

    /// <summary>True when <c>node</c> is on the PATH and has a WebSocket client.</summary>
    public static bool IsAvailable => Arguments.Value is not null;

    /// <summary>The arguments that give the running script a global <c>WebSocket</c>.</summary>
    public static IReadOnlyList<string> WebSocketArguments => Arguments.Value ?? throw new InvalidOperationException("Node.js with a WebSocket client is not on the PATH.");

    private static string[]? Probe()
    {
        foreach (var arguments in new[] { Array.Empty<string>(), ["--experimental-websocket"] })
        {
            try
            {
                var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var argument in arguments)
                {
                    start.ArgumentList.Add(argument);
                }

                start.ArgumentList.Add("-e");
                start.ArgumentList.Add("process.stdout.write(typeof WebSocket)");
                using var node = Process.Start(start)!;
                var output = node.StandardOutput.ReadToEnd();
                node.WaitForExit();
                if (node.ExitCode == 0 && output == "function")
                {
                    return arguments;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null; // No node on the PATH.
            }
        }

        return null;
    }
}

/// <summary>A fact that runs where Node.js (20 or later) is installed, and is reported skipped, saying why, where it is not.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (!NodeJs.IsAvailable)
        {
            Skip = "Node.js 20 or later is not on the PATH (install it to run the JavaScript interop tests).";
        }
    }
}
