namespace Synclets.Tests.Support;

/// <summary>Waits on synclets' own change events, never a sleep: a condition checked now, then again each time any of them applies a change.</summary>
public static class ChangeSignals
{
    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="whyNot"/> once <paramref name="patience"/> has passed.</summary>
    public static async Task UntilAsync(IReadOnlyList<Synclet> synclets, Func<Task<bool>> condition, Func<Task<string>> whyNot, TimeSpan patience)
    {
        ArgumentNullException.ThrowIfNull(synclets);
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(whyNot);
        using var changed = new SemaphoreSlim(0);
        void OnChanged(object? sender, AtomsChangedEventArgs e) => changed.Release();
        foreach (var synclet in synclets)
        {
            synclet.AtomsChanged += OnChanged;
        }

        try
        {
            using var timeout = new CancellationTokenSource(patience);
            while (!await condition())
            {
                try
                {
                    await changed.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail(await whyNot());
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
