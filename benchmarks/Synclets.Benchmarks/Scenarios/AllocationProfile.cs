using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Where a measured run allocates, by type and stack (<c>scenarios --allocations</c>): the
/// runtime reports an allocation-tick event, with its stack, about every 100 KB allocated, so the
/// bytes per stack are a sample in proportion to what was allocated there. Each measured run is
/// recorded over EventPipe from inside the process; the last one is reported.
/// </summary>
/// <remarks>This is how the WebSocket chain's 1.6 GB a run were traced to their sources (docs/performance.md).</remarks>
internal static class AllocationProfile
{
    private const int StacksShown = 25;
    private const int FramesShown = 6;
    private const long GcKeyword = 0x1; // The runtime's GC events, allocation ticks among them.

    private static readonly string TraceFile = Path.Combine(Path.GetTempPath(), $"synclets-allocations-{Environment.ProcessId}.nettrace");
    private static EventPipeSession? _session;
    private static Task? _recording;

    /// <summary>True when <c>--allocations</c> was given.</summary>
    public static bool Enabled { get; set; }

    /// <summary>Starts recording a measured run (replacing the previous run's recording).</summary>
    public static void Start()
    {
        if (!Enabled || _session is not null)
        {
            return;
        }

        var providers = new[] { new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, GcKeyword) };
        _session = new DiagnosticsClient(Environment.ProcessId).StartEventPipeSession(providers, requestRundown: true, circularBufferMB: 512);
        var session = _session;
        _recording = Task.Run(async () =>
        {
            await using var file = File.Create(TraceFile);
            await session.EventStream.CopyToAsync(file).ConfigureAwait(false);
        });
    }

    /// <summary>Stops recording the measured run.</summary>
    public static void Stop()
    {
        if (_session is null)
        {
            return;
        }

        _session.Stop();
        _recording!.GetAwaiter().GetResult();
        _session.Dispose();
        _session = null;
    }

    /// <summary>Prints the recorded run's heaviest allocating stacks to standard error.</summary>
    public static async Task ReportAsync()
    {
        if (!Enabled || !File.Exists(TraceFile))
        {
            return;
        }

        var bytesByStack = new Dictionary<string, long>(StringComparer.Ordinal);
        var converted = TraceLog.CreateFromEventPipeDataFile(TraceFile);
        using (var log = new TraceLog(converted))
        {
            foreach (var traceEvent in log.Events)
            {
                if (traceEvent is not GCAllocationTickTraceData tick)
                {
                    continue;
                }

                var frames = new List<string>();
                for (var frame = tick.CallStack(); frame is not null && frames.Count < FramesShown; frame = frame.Caller)
                {
                    frames.Add(frame.CodeAddress.FullMethodName is { Length: > 0 } name ? name : "?");
                }

                var key = tick.TypeName + Environment.NewLine + string.Concat(frames.Select(frame => "      " + frame + Environment.NewLine));
                bytesByStack[key] = bytesByStack.GetValueOrDefault(key) + tick.AllocationAmount64;
            }
        }

        var total = bytesByStack.Values.Sum();
        await Console.Error.WriteLineAsync($"Allocations of the last measured run, sampled: {total / 1e6:F0} MB; the {StacksShown} heaviest stacks:").ConfigureAwait(false);
        foreach (var (stack, bytes) in bytesByStack.OrderByDescending(pair => pair.Value).Take(StacksShown))
        {
            await Console.Error.WriteAsync($"{bytes / 1e6,8:F1} MB  {stack}").ConfigureAwait(false);
        }

        File.Delete(TraceFile);
        File.Delete(converted);
    }
}
