namespace Synclets.Connectors;

/// <summary>
/// Optional for a meta connector: lets a synclet forget deletions. A deleted atom keeps its
/// timestamp (a tombstone) so that an older copy of it elsewhere cannot come back; collecting
/// tombstones stamped before a horizon removes them, and the store remembers the horizon so that
/// a write of an atom it no longer knows, stamped before it, is refused instead of taken as new
/// (see <see cref="Synclet.CollectTombstonesAsync"/>, docs/concepts.md "Tombstones").
/// </summary>
/// <remarks>
/// Called on the synclet's work loop, within a unit of work when the connector is
/// <see cref="ITransactionalConnector"/>. The horizon is in milliseconds since the Unix epoch, the
/// time part of a <see cref="Timestamp"/>.
/// </remarks>
public interface ITombstoneCollector
{
    /// <summary>The horizon this store has collected tombstones up to (0 when it never has); it must survive a reopen.</summary>
    ValueTask<long> GetTombstoneHorizonAsync(CancellationToken cancellationToken = default);

    /// <summary>Records the horizon (0 when a rejoin took the peers' copies of everything older).</summary>
    ValueTask SetTombstoneHorizonAsync(long horizon, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the timestamp of every atom that has one stamped (ordinally) before
    /// <paramref name="stampedBefore"/> but no value, keeping stored hashes right.
    /// </summary>
    /// <param name="stampedBefore">A timestamp; tombstones whose timestamps sort before it go.</param>
    /// <param name="data">The synclet's data connector, for a meta connector that cannot tell a deletion by itself (one over a database holding both ignores it).</param>
    /// <param name="cancellationToken">Cancels the collection.</param>
    /// <returns>How many tombstones were removed, and the newest of their timestamps.</returns>
    ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="ITombstoneCollector.RemoveTombstonesAsync"/> removed.</summary>
/// <param name="Count">How many tombstones.</param>
/// <param name="Newest">The greatest of their timestamps (<see cref="Timestamp.None"/> when none): the horizon the store records is just after it.</param>
public readonly record struct RemovedTombstones(long Count, string Newest)
{
    /// <summary>Nothing removed.</summary>
    public static RemovedTombstones None { get; } = new(0, Timestamp.None);

    /// <summary>This and one more removed tombstone stamped <paramref name="timestamp"/>.</summary>
    public RemovedTombstones Add(string timestamp) => new(Count + 1, string.CompareOrdinal(timestamp, Newest ?? Timestamp.None) > 0 ? timestamp : Newest ?? Timestamp.None);
}
