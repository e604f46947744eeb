namespace Synclets.Orleans.Tests;

/// <summary>Waits, on the synclets' own change events (never a sleep), until a condition over them holds.</summary>
public static class Converged
{
    /// <summary>Completes when every synclet's root hash is the same and <paramref name="holds"/> is true of the first's data.</summary>
    public static Task WaitAsync(IReadOnlyList<Synclet> synclets, Func<Synclet, Task<bool>> holds, TimeSpan? timeout = null) =>
        UntilAsync(synclets, async () =>
        {
            var first = await synclets[0].GetHashAsync([]);
            foreach (var synclet in synclets.Skip(1))
            {
                if (await synclet.GetHashAsync([]) != first)
                {
                    return false;
                }
            }

            return await holds(synclets[0]);
        }, timeout);

    /// <summary>Completes when <paramref name="done"/> is true, checking again after each change any of the synclets applies.</summary>
    public static async Task UntilAsync(IReadOnlyList<Synclet> synclets, Func<Task<bool>> done, TimeSpan? timeout = null)
    {
        using var changed = new SemaphoreSlim(0);
        void OnChanged(object? sender, AtomsChangedEventArgs e) => changed.Release();
        foreach (var synclet in synclets)
        {
            synclet.AtomsChanged += OnChanged;
        }

        try
        {
            var limit = timeout ?? TimeSpan.FromSeconds(60);
            using var giveUp = new CancellationTokenSource(limit);
            while (!await done())
            {
                try
                {
                    await changed.WaitAsync(giveUp.Token);
                }
                catch (OperationCanceledException)
                {
                    var states = new List<string>();
                    foreach (var synclet in synclets)
                    {
                        states.Add($"{synclet.Id}: hash {await synclet.GetHashAsync([])}, {(await synclet.GetChildIdsAsync([])).Count} children");
                    }

                    throw new TimeoutException($"Not converged after {limit}: {string.Join("; ", states)}.");
                }
            }
        }
        finally
        {
            foreach (var synclet in synclets)
            {
                synclet.AtomsChanged -= OnChanged;
            }
        }
    }
}
