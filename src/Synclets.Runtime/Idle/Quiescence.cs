namespace Synclets;

/// <summary>Waits until a whole group of synclets and transports has nothing left to do.</summary>
public static class Quiescence
{
    /// <summary>
    /// Completes once every source is idle at the same time, with no work having moved between
    /// them while they were checked. Use it instead of sleeping to wait for sync to finish.
    /// </summary>
    public static async Task WaitAsync(IEnumerable<IIdleSource> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var all = sources.ToArray();
        var generations = new long[all.Length];
        while (true)
        {
            foreach (var source in all)
            {
                await source.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < all.Length; i++)
            {
                generations[i] = all[i].Generation;
            }

            if (all.All(source => source.IsIdle) && Enumerable.Range(0, all.Length).All(i => all[i].Generation == generations[i]))
            {
                return;
            }
        }
    }

    /// <summary>Completes once every source is idle at the same time.</summary>
    public static Task WaitAsync(params IIdleSource[] sources) => WaitAsync(sources, CancellationToken.None);
}
