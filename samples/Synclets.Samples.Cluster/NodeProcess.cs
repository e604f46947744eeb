using System.Diagnostics;

namespace Synclets.Samples.Cluster;

/// <summary>A node running as a process of its own (this program with <c>node ...</c>), which the demo can kill as a crash would.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(string name, NodeSettings settings, Process process)
    {
        Name = name;
        Settings = settings;
        _process = process;
    }

    public string Name { get; }

    public NodeSettings Settings { get; }

    /// <summary>Its WebSocket address of a room.</summary>
    public Uri Room(string room) => new($"ws://127.0.0.1:{Settings.HttpPort}/sync/{room}");

    /// <summary>Its HTTP address.</summary>
    public Uri Http => new($"http://127.0.0.1:{Settings.HttpPort}");

    /// <summary>Starts the node and returns once it serves (it prints <c>ready</c>); its log lines are echoed with its name.</summary>
    /// <remarks><paramref name="program"/> is this program's dll, for a caller that is another program (the tests); by default it is this process's own.</remarks>
    public static async Task<NodeProcess> StartAsync(string name, NodeSettings settings, Action<string>? echo = null, string? program = null)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var self = Environment.ProcessPath!;
        if (program is not null || Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // `dotnet Synclets.Samples.Cluster.dll node ...`: the node is the same dll.
            start.FileName = "dotnet";
            start.ArgumentList.Add(program ?? typeof(NodeProcess).Assembly.Location);
        }
        else
        {
            start.FileName = self;
        }

        foreach (var argument in settings.ToArgs())
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"{name} exited before it was ready."));
            }
            else if (line.Data.StartsWith("ready ", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
            else
            {
                echo?.Invoke($"    [{name}] {line.Data}");
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                echo?.Invoke($"    [{name}] {line.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new NodeProcess(name, settings, process);
    }

    /// <summary>The node's resident memory now, in bytes.</summary>
    public long WorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>The most resident memory the node has had, in bytes.</summary>
    public long PeakWorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Kills the node at once, as a crash does (SIGKILL): no goodbye to the cluster, no flush.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
