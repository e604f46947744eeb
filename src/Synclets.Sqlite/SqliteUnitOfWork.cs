using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

/// <summary>
/// The transaction of a store's unit of work, for both layouts: units nest (the engine's around
/// a store's own), the transaction begins at the first write (IMMEDIATE, so the write lock is held
/// from then on) and commits when the outermost unit ends; a failure rolls it all back and says
/// what happened. What a store buffers or caches stays with the store, called at the right moments.
/// </summary>
internal sealed class SqliteUnitOfWork(SqliteConnection connection)
{
    private int _depth;

    /// <summary>The open transaction, or null before the unit's first write (and outside a unit).</summary>
    public SqliteTransaction? Transaction { get; private set; }

    /// <summary>Whether a unit of work is open (writes then wait for its commit).</summary>
    public bool IsOpen => _depth > 0;

    /// <summary>Opens a unit (or one more level of the open one).</summary>
    public void Begin() => _depth++;

    /// <summary>
    /// Runs <paramref name="write"/> in the unit's transaction, beginning it first when it is the
    /// unit's first write (then <paramref name="onBegin"/> runs, under the write lock). Outside a
    /// unit the write stands alone, as SQLite's own statement transaction.
    /// </summary>
    /// <exception cref="SqliteStoreException">SQLite failed; the message says why and what to do.</exception>
    public void Write(Action write, Action? onBegin = null)
    {
        EnsureTransaction(onBegin);
        try
        {
            write();
        }
        catch (SqliteException exception)
        {
            throw SqliteErrors.Failure("write", exception);
        }
    }

    /// <summary>Begins the unit's transaction if this is its first write (then <paramref name="onBegin"/> runs, under the write lock); outside a unit, nothing.</summary>
    /// <exception cref="SqliteStoreException">SQLite could not begin it (locked, read-only); the message says why.</exception>
    public void EnsureTransaction(Action? onBegin = null)
    {
        if (_depth == 0 || Transaction is not null)
        {
            return;
        }

        try
        {
            Transaction = connection.BeginTransaction(deferred: false);
            onBegin?.Invoke();
        }
        catch (SqliteException exception)
        {
            throw SqliteErrors.Failure("write", exception);
        }
    }

    /// <summary>
    /// Ends a unit; the outermost one first runs <paramref name="beforeCommit"/> (the store writes
    /// what it buffered, still inside the unit, so into its transaction) and then commits. A failed
    /// commit rolls back, runs <paramref name="onRollback"/> and throws.
    /// </summary>
    /// <returns>Whether this ended the outermost unit.</returns>
    public async ValueTask<bool> CommitAsync(Action beforeCommit, Action onRollback)
    {
        if (_depth > 1)
        {
            _depth--;
            return false;
        }

        beforeCommit();
        _depth = 0;
        if (Transaction is not null)
        {
            try
            {
                await Transaction.CommitAsync().ConfigureAwait(false);
            }
            catch (SqliteException exception)
            {
                onRollback();
                await RollbackAsync().ConfigureAwait(false);
                throw SqliteErrors.Failure("commit", exception);
            }

            await Transaction.DisposeAsync().ConfigureAwait(false);
            Transaction = null;
        }

        return true;
    }

    /// <summary>Undoes the unit, however deeply nested; the store forgets what it buffered itself.</summary>
    public async ValueTask RollbackAsync()
    {
        _depth = 0;
        if (Transaction is not null)
        {
            await Transaction.RollbackAsync().ConfigureAwait(false);
            await Transaction.DisposeAsync().ConfigureAwait(false);
            Transaction = null;
        }
    }
}
