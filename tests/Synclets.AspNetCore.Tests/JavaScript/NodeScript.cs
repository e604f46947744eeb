using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>One of this folder's scripts running in Node.js, talked to through its standard input and output, a line at a time.</summary>
public sealed class NodeScript : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Process _node;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _errors = new();
    private bool _disposed;

    private NodeScript(Process node)
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

    /// <summary>What the script wrote to its standard error, for failure messages.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.Length == 0 ? string.Empty : "Its errors: " + _errors;
            }
        }
    }

    /// <summary>Starts <paramref name="script"/> (a file of this folder) with <paramref name="arguments"/>; the script may use the global <c>WebSocket</c>.</summary>
    public static NodeScript Start(string script, params string[] arguments) =>
        Run([.. NodeJs.WebSocketArguments, Path.Combine(AppContext.BaseDirectory, "JavaScript", script), .. arguments]);

    /// <summary>Starts one of tests/interop's scripts beside the JavaScript reference (see <see cref="Reference"/>).</summary>
    public static NodeScript StartWithReference(string script, params string[] arguments) =>
        Run(["--preserve-symlinks", "--preserve-symlinks-main", Path.Combine(Reference.Folder, script), .. arguments]);

    private static NodeScript Run(IEnumerable<string> arguments)
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
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new NodeScript(Process.Start(start)!);
    }

    /// <summary>Writes one line to the script's standard input.</summary>
    public void WriteLine(string line)
    {
        _node.StandardInput.WriteLine(line);
        _node.StandardInput.Flush();
    }

    /// <summary>The next line the script writes, waited for at most 30 seconds.</summary>
    public async Task<string> NextLineAsync()
    {
        try
        {
            return await _lines.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The Node.js script exited. {Errors}");
        }
    }

    /// <summary>Kills the script at once (its connections reset, nothing of it runs to an end).</summary>
    public void Kill()
    {
        _node.Kill(entireProcessTree: true);
        _node.WaitForExit();
    }

    /// <summary>Closes the script's standard input (each script ends then) and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _node.StandardInput.Close();
        }
        catch (IOException)
        {
            // The script is gone already (killed): nothing reads its input.
        }

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
}
