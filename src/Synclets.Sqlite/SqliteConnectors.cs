using Synclets.Connectors;
using Synclets.Protocol;

namespace Synclets.Sqlite;

/// <summary>The data half of a <see cref="SqliteStore"/>: atoms as JSON text in the data table.</summary>
public sealed class SqliteDataConnector : IDataConnector, IBulkDataReader, IRowReader, IStorageRules, ITransactionalConnector
{
    private readonly SqliteStore _store;

    internal SqliteDataConnector(SqliteStore store) => _store = store;

    /// <inheritdoc/>
    public int Depth => _store.Depth;

    /// <inheritdoc/>
    /// <exception cref="SqliteStoreException">A stored atom is not valid JSON (a corrupt row); the message names the address.</exception>
    public ValueTask<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.GetAtomJson(address) is { } json ? Parse(json, address) : Atom.Absent);

    /// <inheritdoc/>
    public ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default)
    {
        _store.SetAtom(address, atom);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        _store.RemoveAtom(address);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.GetChildIds(_store.DataTable, address));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, Atom>> GetChildAtomsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default)
    {
        var atoms = new Dictionary<string, Atom>(StringComparer.Ordinal);
        foreach (var (id, json) in _store.GetChildValues(timestamps: false, parentAddress))
        {
            atoms[id] = Parse(json, [.. parentAddress, id]);
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, Atom>>(atoms);
    }

    /// <inheritdoc/>
    /// <remarks>Every row: one query on the data table. Named rows: a bulk read each.</remarks>
    public async ValueTask ReadRowsAsync(IReadOnlyList<string> tableAddress, IReadOnlyCollection<string>? rowIds, RowVisitor onRow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onRow);
        if (rowIds is null)
        {
            _store.ReadRows(tableAddress, onRow, cancellationToken);
            return;
        }

        var row = new List<string>(tableAddress) { string.Empty };
        foreach (var id in rowIds)
        {
            row[^1] = id;
            if (await GetChildAtomsAsync(row, cancellationToken).ConfigureAwait(false) is { Count: > 0 } cells)
            {
                onRow(id, cells);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask BeginWritesAsync(CancellationToken cancellationToken = default)
    {
        _store.BeginUnit();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask CommitWritesAsync(CancellationToken cancellationToken = default) => _store.CommitUnitAsync();

    /// <inheritdoc/>
    public ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default) => _store.RollbackUnitAsync();

    /// <inheritdoc/>
    /// <remarks>Atoms are kept as JSON text, which escapes half a surrogate pair; the ids are kept in TEXT columns too, which cannot.</remarks>
    public string? WhyNotStorable(IReadOnlyList<string> address, Atom atom)
    {
        foreach (var id in address)
        {
            if (Ids.HasUnpairedSurrogate(id))
            {
                return SqliteText.Refused($"The id {AtomJson.WriteAddress([id])} of address {AtomJson.WriteAddress(address)}").Message;
            }
        }

        return null;
    }

    internal static Atom Parse(string json, IReadOnlyList<string> address)
    {
        try
        {
            return AtomJson.Parse(json);
        }
        catch (FormatException exception)
        {
            throw new SqliteStoreException($"The atom stored at {AtomJson.WriteAddress(address)} is corrupt: {exception.Message} Fix or delete that row.", exception);
        }
    }
}

/// <summary>The meta half of a <see cref="SqliteStore"/>: timestamps in the meta table, parent hashes in the hash table.</summary>
public sealed class SqliteMetaConnector : IMetaConnector, IBulkMetaReader, IStoredHashes, ISubtreeReader, ILatestTimestamp, ITransactionalConnector, ITombstoneCollector, IChangeLog
{
    private readonly SqliteStore _store;

    internal SqliteMetaConnector(SqliteStore store) => _store = store;

    /// <inheritdoc/>
    public int Depth => _store.Depth;

    /// <inheritdoc/>
    public ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.GetTimestamp(address));

    /// <inheritdoc/>
    /// <exception cref="SqliteStoreException">An id holds half of a surrogate pair, which a TEXT column cannot keep.</exception>
    public ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default)
    {
        foreach (var id in address)
        {
            if (Ids.HasUnpairedSurrogate(id))
            {
                throw SqliteText.Refused($"The id '{id}' of address {AtomJson.WriteAddress(address)}");
            }
        }

        _store.SetTimestamp(address, timestamp);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.GetChildIds(_store.MetaTable, address));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, string>> GetChildTimestampsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.GetChildValues(timestamps: true, parentAddress));

    /// <inheritdoc/>
    public IAsyncEnumerable<SubtreeAtom> ReadSubtreeAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) =>
        _store.ReadSubtree(parentAddress, cancellationToken).ToAsyncEnumerable();

    /// <inheritdoc/>
    public ValueTask<uint> GetHashAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.GetHash(parentAddress));

    /// <inheritdoc/>
    public ValueTask<string> GetLatestTimestampAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.GetLatestTimestamp());

    /// <inheritdoc/>
    public ValueTask<long> GetTombstoneHorizonAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.GetTombstoneHorizon());

    /// <inheritdoc/>
    public ValueTask SetTombstoneHorizonAsync(long horizon, CancellationToken cancellationToken = default)
    {
        _store.SetTombstoneHorizon(horizon);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>One statement: the meta rows stamped before the horizon with no data row.</remarks>
    public ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.RemoveTombstones(stampedBefore));

    /// <inheritdoc/>
    public string Epoch => _store.Log.Epoch;

    /// <inheritdoc/>
    public long LastSequence => _store.LastSequence;

    /// <inheritdoc/>
    public long Floor => _store.Log.Floor;

    /// <inheritdoc/>
    public ValueTask StartNewEpochAsync(CancellationToken cancellationToken = default)
    {
        _store.Log.StartNewEpoch(_store.LastSequence);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>One range scan of the meta table's sequence index, joined with the data; SQLite reads synchronously.</remarks>
    public IAsyncEnumerable<LoggedAtom> ReadChangesAsync(long after, IDataConnector data, CancellationToken cancellationToken = default) =>
        _store.ReadChanges(after, cancellationToken).ToAsyncEnumerable();

    /// <inheritdoc/>
    public ValueTask<long> CountChangesAsync(long after, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.CountChanges(after));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, long>> GetCheckpointsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_store.Log.Checkpoints);

    /// <inheritdoc/>
    public ValueTask SetCheckpointAsync(string epoch, long sequence, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(epoch);
        _store.Log.SetCheckpoint(epoch, sequence);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask ClearCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        _store.Log.ClearCheckpoints();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask BeginWritesAsync(CancellationToken cancellationToken = default)
    {
        _store.BeginUnit();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask CommitWritesAsync(CancellationToken cancellationToken = default) => _store.CommitUnitAsync();

    /// <inheritdoc/>
    public ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default) => _store.RollbackUnitAsync();
}
