using System.Collections.Concurrent;
using System.Diagnostics;

namespace Synclets.Tests.Support;

/// <summary>The <c>synclets</c> tool as a user runs it: a process started from its build beside the tests.</summary>
public static class SyncletsTool
{
    /// <summary>synclets.dll as built for this configuration (a test project references src/Synclets.Cli so that it is).</summary>
    public static string Path { get; } = Find();

    /// <summary>Starts the tool with its output and errors redirected.</summary>
    public static Process Start(string workingFolder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["COLUMNS"] = "200";
        return Process.Start(start)!;
    }

    /// <summary>Runs the tool to its end (two minutes at most): its exit code, and its output followed by its errors.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingFolder, params string[] arguments)
    {
        using var process = Start(workingFolder, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }

    /// <summary>
    /// The "Listening on ..." line a started <c>serve</c> prints when it is ready (the signal to
    /// wait for). The rest of its output is read in the background to the end, so a full pipe never
    /// blocks the server; one that stops first fails with what it wrote.
    /// </summary>
    public static async Task<string> WaitUntilListeningAsync(Process serve)
    {
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        _ = Task.Run(async () =>
        {
            while (await serve.StandardOutput.ReadLineAsync() is { } line)
            {
                output.Enqueue(line);
                if (line.StartsWith("Listening on ", StringComparison.Ordinal))
                {
                    listening.TrySetResult(line);
                }
            }

            listening.TrySetException(new InvalidOperationException("The server stopped before it listened: " + string.Join("\n", output)));
        });
        _ = Task.Run(async () => output.Enqueue(await serve.StandardError.ReadToEndAsync()));
        return await listening.Task.WaitAsync(TimeSpan.FromMinutes(1));
    }

    private static string Find()
    {
        // .../tests/Some.Tests/bin/<configuration>/<framework>/ → .../src/Synclets.Cli/bin/<configuration>/<framework>/
        var build = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var (framework, configuration) = (build.Name, build.Parent!.Name);
        for (var folder = build; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Synclets.sln")))
            {
                return System.IO.Path.Combine(folder.FullName, "src", "Synclets.Cli", "bin", configuration, framework, "synclets.dll");
            }
        }

        throw new InvalidOperationException($"No Synclets.sln above {AppContext.BaseDirectory}: the tool cannot be found.");
    }
}
