namespace Synclets.Connectors;

/// <summary>
/// Optional for a data connector: reads every atom directly under a parent one level above the
/// atoms in one call, instead of one call per atom.
/// </summary>
public interface IBulkDataReader
{
    /// <summary>The atoms under <paramref name="parentAddress"/> (whose length is depth - 1), by id.</summary>
    /// <remarks>The result may be a live view; the engine enumerates it before its next write.</remarks>
    ValueTask<IReadOnlyDictionary<string, Atom>> GetChildAtomsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default);
}

/// <summary>
/// Called by <see cref="IRowReader"/> for each row read: the row's id and its atoms by id (absent
/// ones left out). The dictionary may be reused for the next row: copy what you keep.
/// </summary>
/// <param name="rowId">The row's id (the last id of the row's address).</param>
/// <param name="cells">The row's atoms by id, valid only during the call.</param>
public delegate void RowVisitor(string rowId, IReadOnlyDictionary<string, Atom> cells);

/// <summary>
/// Optional for a data connector over a database: reads the rows of a table (the parents one
/// level above the atoms, under a parent two levels above them) in one query, without their
/// timestamps. The engine uses it for a typed table's list and bulk upsert, which would otherwise
/// read one row at a time.
/// </summary>
public interface IRowReader
{
    /// <summary>
    /// Calls <paramref name="onRow"/> once for each row under <paramref name="tableAddress"/> (whose
    /// length is depth - 2) holding at least one atom, in any order; only for the rows named in
    /// <paramref name="rowIds"/> when it is not null.
    /// </summary>
    ValueTask ReadRowsAsync(IReadOnlyList<string> tableAddress, IReadOnlyCollection<string>? rowIds, RowVisitor onRow, CancellationToken cancellationToken = default);
}

/// <summary>
/// Optional for a data connector over a database with a column per cell (the typed SQLite store):
/// runs a <see cref="RowQuery"/> itself, filtering, ordering and paging where its indexes help.
/// Without it the engine reads the table's rows and runs the query in memory, with the same result.
/// </summary>
public interface IRowQueryReader
{
    /// <summary>
    /// Calls <paramref name="onRow"/> for each row under <paramref name="tableAddress"/> (whose length
    /// is depth - 2) that <paramref name="query"/> selects, in the query's order, as
    /// <see cref="IRowReader.ReadRowsAsync"/> does for every row.
    /// </summary>
    /// <exception cref="ArgumentException">The query names a column the table does not have, or compares a column with a value of another kind.</exception>
    ValueTask QueryRowsAsync(IReadOnlyList<string> tableAddress, RowQuery query, RowVisitor onRow, CancellationToken cancellationToken = default);
}

/// <summary>
/// Optional for a meta connector: reads every timestamp directly under a parent one level above
/// the atoms in one call.
/// </summary>
public interface IBulkMetaReader
{
    /// <summary>The timestamps under <paramref name="parentAddress"/> (whose length is depth - 1), by id.</summary>
    /// <remarks>The result may be a live view; the engine enumerates it before its next write.</remarks>
    ValueTask<IReadOnlyDictionary<string, string>> GetChildTimestampsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default);
}

/// <summary>
/// Optional for a meta connector over a database: before it applies a received list of rows (the
/// parents one level above the atoms), or lists their hashes, the engine names them (a message's
/// worth at a time), so the connector can read their timestamps in one query instead of one per
/// row when <see cref="IBulkMetaReader"/> or <see cref="IStoredHashes"/> asks.
/// </summary>
public interface ITimestampPrefetch
{
    /// <summary>Reads ahead the timestamps under each of <paramref name="parentIds"/>, children of <paramref name="grandparentAddress"/> (whose length is depth - 2).</summary>
    ValueTask PrefetchChildTimestampsAsync(IReadOnlyList<string> grandparentAddress, IReadOnlyCollection<string> parentIds, CancellationToken cancellationToken = default);
}

/// <summary>
/// Optional for a meta connector: keeps the hash of every parent address up to date as
/// timestamps are written (XOR the old and new timestamp hashes up the path), so the engine
/// reads a hash in O(1) instead of walking every timestamp below it.
/// </summary>
public interface IStoredHashes
{
    /// <summary>The hash of a parent address: the XOR of the timestamp hashes of every atom below it; 0 when none.</summary>
    ValueTask<uint> GetHashAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default);
}

/// <summary>
/// Optional for a data or meta connector over a transactional storage: the engine wraps each unit
/// of work (one received message, one local change) in <see cref="BeginWritesAsync"/> and
/// <see cref="CommitWritesAsync"/>, so an atom and its timestamp, and a whole batch of received
/// atoms, are written in one transaction. On failure it calls <see cref="RollbackWritesAsync"/>.
/// </summary>
/// <remarks>When the data and meta connectors share one storage, both may implement this; the engine calls each distinct instance once.</remarks>
public interface ITransactionalConnector
{
    /// <summary>Starts a unit of work (an implementation may open the transaction lazily, on the first write).</summary>
    ValueTask BeginWritesAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes the unit of work durable.</summary>
    ValueTask CommitWritesAsync(CancellationToken cancellationToken = default);

    /// <summary>Undoes the unit of work.</summary>
    ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default);
}

/// <summary>One atom of a subtree as read by <see cref="ISubtreeReader"/>: its address, timestamp and atom (absent for a tombstone).</summary>
/// <param name="Address">The atom address.</param>
/// <param name="Timestamp">Its timestamp.</param>
/// <param name="Atom">The atom, or absent for a deletion.</param>
public readonly record struct SubtreeAtom(IReadOnlyList<string> Address, string Timestamp, Atom Atom);

/// <summary>
/// Optional for a meta connector over a storage that holds data too (a database): streams every
/// atom below a parent, with its timestamp and value, in one pass, grouped by parent (siblings
/// together, each parent's subtree contiguous). The engine uses it to send full subtrees, one
/// query instead of one per row.
/// </summary>
public interface ISubtreeReader
{
    /// <summary>
    /// Every atom address with a timestamp below <paramref name="parentAddress"/>, grouped by
    /// parent. Each atom's address must be a list of its own, not one reused from atom to atom:
    /// the engine keeps up to a message's worth of them.
    /// </summary>
    IAsyncEnumerable<SubtreeAtom> ReadSubtreeAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default);
}

/// <summary>
/// Optional for a meta connector over a database: finds the newest timestamp it holds in one
/// query. A synclet starts its clock after it, so a restarted replica never stamps a new write
/// older than one it already has (without it the engine walks the whole meta tree once at start).
/// </summary>
public interface ILatestTimestamp
{
    /// <summary>The greatest timestamp stored (ordinal order is time order), or <see cref="Timestamp.None"/> when there is none.</summary>
    ValueTask<string> GetLatestTimestampAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Optional for a data connector whose storage cannot keep every atom the protocol can carry (a
/// SQLite TEXT column has no form for half a surrogate pair; a typed column holds one kind): the
/// engine asks before it applies a received atom, and refuses that one atom (logged) rather than
/// fail the whole message in the middle of its transaction.
/// </summary>
public interface IStorageRules
{
    /// <summary>Why <paramref name="atom"/> (absent for a deletion) cannot be stored at <paramref name="address"/>, or null when it can.</summary>
    string? WhyNotStorable(IReadOnlyList<string> address, Atom atom);
}
