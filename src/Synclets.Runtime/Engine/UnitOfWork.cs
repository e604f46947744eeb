using Synclets.Connectors;

namespace Synclets;

/// <summary>
/// Runs one piece of work (a local change, a received message) inside the connectors'
/// transaction, if they have one: committed whole or rolled back whole. What it sends after its
/// first write waits in the router's outbox until the commit and is dropped on a rollback, and so
/// are the changes it recorded for observers: nobody hears of a write that did not become durable.
/// </summary>
internal sealed class UnitOfWork(IReadOnlyList<ITransactionalConnector> connectors, PeerRouter router, PendingChanges changes)
{
    /// <summary>True when no connector is transactional: every piece of work stands alone, and none fails half way.</summary>
    public bool HasNoTransactions => connectors.Count == 0;

    /// <summary>Runs <paramref name="work"/> as one unit of work.</summary>
    public async ValueTask<T> RunAsync<T>(Func<ValueTask<T>> work)
    {
        if (connectors.Count == 0)
        {
            return await work().ConfigureAwait(false);
        }

        foreach (var connector in connectors)
        {
            await connector.BeginWritesAsync().ConfigureAwait(false);
        }

        T result;
        router.BeginUnit();
        try
        {
            result = await work().ConfigureAwait(false);
            foreach (var connector in connectors)
            {
                await connector.CommitWritesAsync().ConfigureAwait(false);
            }
        }
        catch
        {
            changes.Clear(); // Nothing was written: observers must not hear of it.
            router.RollBackUnit(); // Nor peers.
            foreach (var connector in connectors)
            {
                await connector.RollbackWritesAsync().ConfigureAwait(false);
            }

            throw;
        }

        await router.CommitUnitAsync().ConfigureAwait(false);
        return result;
    }
}
