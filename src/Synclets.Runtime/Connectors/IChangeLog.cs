namespace Synclets.Connectors;

/// <summary>
/// Optional for a meta connector: numbers what the store writes, so that a peer that has seen the
/// store up to some number is sent only what came after (the change feed, docs/concepts.md
/// "Reconnects that cost what changed"). Without it a synclet syncs by protocol version 1 alone,
/// whose reconnect lists every row of a changed table.
/// </summary>
/// <remarks>
/// <para>
/// Every timestamp written (<see cref="IMetaConnector.SetTimestampAsync"/>) takes the next number,
/// its <em>sequence</em>; a store may number coarser than atoms (a row's cells share the row's
/// newest number), and then yields every atom of a changed row. Numbers only grow: gaps (a unit of
/// work rolled back) are harmless, and a number is never reused within an <see cref="Epoch"/>.
/// </para>
/// <para>
/// The epoch names this numbering: made at random when the store is created and kept with it.
/// The synclet starts a new one (<see cref="StartNewEpochAsync"/>) when it finds its store older
/// than a peer remembers it (restored from an old copy) or a copy of a peer's, so that numbers
/// already seen elsewhere are never taken for new writes.
/// </para>
/// <para>
/// The store also keeps how far it has applied each other store's log (its checkpoints), written
/// in the unit of work that applied it, so that "seen up to n" is as durable as the atoms.
/// Called on the synclet's work loop, within a unit of work when the connector is
/// <see cref="ITransactionalConnector"/>.
/// </para>
/// </remarks>
public interface IChangeLog
{
    /// <summary>A new random epoch for a store being created (12 characters of the timestamp alphabet).</summary>
    static string NewEpoch() =>
        string.Create(12, 0, static (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Timestamp.Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(64)];
            }
        });

    /// <summary>
    /// The log's epoch: a short random string over the timestamp alphabet (no spaces or colons),
    /// the same across reopens; empty when this store keeps no log after all (a file opened
    /// read-only that never kept one), and then the synclet syncs by protocol version 1 alone.
    /// </summary>
    string Epoch { get; }

    /// <summary>The sequence of the newest write (0 when none).</summary>
    long LastSequence { get; }

    /// <summary>
    /// The lowest number a reader may ask for changes after: 0, or where the store last forgot
    /// something a feed cannot carry (collected tombstones). A peer that saw less syncs by hashes.
    /// </summary>
    long Floor { get; }

    /// <summary>Starts a new epoch: a fresh <see cref="Epoch"/>, and a <see cref="Floor"/> at <see cref="LastSequence"/>.</summary>
    ValueTask StartNewEpochAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Every atom address written after <paramref name="after"/>, with its timestamp, atom (absent for
    /// a deletion) and sequence, in ascending sequence; atoms sharing a sequence come together.
    /// </summary>
    /// <param name="after">A sequence, at or above <see cref="Floor"/>.</param>
    /// <param name="data">The synclet's data connector, for a meta connector that holds no atoms (one over a database holding both ignores it).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    IAsyncEnumerable<LoggedAtom> ReadChangesAsync(long after, IDataConnector data, CancellationToken cancellationToken = default);

    /// <summary>How many atoms <see cref="ReadChangesAsync"/> would yield after <paramref name="after"/> (a progress bar's total).</summary>
    ValueTask<long> CountChangesAsync(long after, CancellationToken cancellationToken = default);

    /// <summary>How far this store has applied other stores' logs: epoch to sequence.</summary>
    ValueTask<IReadOnlyDictionary<string, long>> GetCheckpointsAsync(CancellationToken cancellationToken = default);

    /// <summary>Records that this store holds everything of <paramref name="epoch"/>'s log up to <paramref name="sequence"/>.</summary>
    ValueTask SetCheckpointAsync(string epoch, long sequence, CancellationToken cancellationToken = default);

    /// <summary>Forgets every checkpoint (a rejoin dropped what they vouched for).</summary>
    ValueTask ClearCheckpointsAsync(CancellationToken cancellationToken = default);
}

/// <summary>One atom read from a change log (see <see cref="IChangeLog.ReadChangesAsync"/>).</summary>
/// <param name="Address">The atom address: a list of its own, not reused from atom to atom.</param>
/// <param name="Timestamp">Its timestamp.</param>
/// <param name="Atom">The atom, or absent for a deletion.</param>
/// <param name="Sequence">The number of the write that last changed it (or its row).</param>
public readonly record struct LoggedAtom(IReadOnlyList<string> Address, string Timestamp, Atom Atom, long Sequence);
