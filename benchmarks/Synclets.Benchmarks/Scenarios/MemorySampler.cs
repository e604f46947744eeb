namespace Synclets.Benchmarks.Scenarios;

/// <summary>
/// Samples the managed heap while a scenario runs and keeps the peak; counts the garbage
/// collections and the process's CPU time since it started (on a shared machine, CPU seconds move
/// less than wall-clock seconds).
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Timer _timer;
    private readonly TimeSpan _pausesBefore;
    private readonly int[] _collectionsBefore;
    private readonly TimeSpan _cpuBefore = Environment.CpuUsage.TotalTime;
    private readonly long _allocatedBefore = GC.GetTotalAllocatedBytes();
    private long _peak;

    public MemorySampler()
    {
        Base = GC.GetTotalMemory(forceFullCollection: true);
        _pausesBefore = GC.GetTotalPauseDuration();
        _collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        _peak = Base;
        AllocationProfile.Start();
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(10));
    }

    public long Base { get; }

    public long Peak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    /// <summary>Since the sampler started: the process's CPU time, the bytes it allocated, the GC's total pause time and its collections per generation.</summary>
    public string GcSummary =>
        $"process CPU {(Environment.CpuUsage.TotalTime - _cpuBefore).TotalSeconds:F2} s, allocated {(GC.GetTotalAllocatedBytes() - _allocatedBefore) / 1e6:F0} MB, GC pauses {(GC.GetTotalPauseDuration() - _pausesBefore).TotalSeconds:F2} s, collections gen0/1/2 {GC.CollectionCount(0) - _collectionsBefore[0]}/{GC.CollectionCount(1) - _collectionsBefore[1]}/{GC.CollectionCount(2) - _collectionsBefore[2]}";

    public void Dispose()
    {
        AllocationProfile.Stop();
        _timer.Dispose();
    }

    private void Sample()
    {
        var now = GC.GetTotalMemory(forceFullCollection: false);
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}
