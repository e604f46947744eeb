namespace Synclets.Benchmarks.Scenarios;

/// <summary>Samples the managed heap while a scenario runs and keeps the peak.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public MemorySampler()
    {
        Base = GC.GetTotalMemory(forceFullCollection: true);
        _peak = Base;
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

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var now = GC.GetTotalMemory(forceFullCollection: false);
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}
