using Synclets.Tests.Support;

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

    /// <summary>Completes when <paramref name="done"/> is true, checking again after each change any of the synclets applies; fails with each one's root hash and size.</summary>
    public static Task UntilAsync(IReadOnlyList<Synclet> synclets, Func<Task<bool>> done, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        return ChangeSignals.UntilAsync(synclets, done, async () =>
        {
            var states = new List<string>();
            foreach (var synclet in synclets)
            {
                states.Add($"{synclet.Id}: hash {await synclet.GetHashAsync([])}, {(await synclet.GetChildIdsAsync([])).Count} children");
            }

            return $"Not converged after {limit}: {string.Join("; ", states)}.";
        }, limit);
    }
}
