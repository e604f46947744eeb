using Synclets.Connectors;

namespace Synclets.PostgreSql;

/// <summary>The data half of a <see cref="PostgreSqlStore"/>: atoms as JSON text in the data table.</summary>
public sealed class PostgreSqlDataConnector : IDataConnector, IBulkDataReader, IStorageRules, ITransactionalConnector
{
    private readonly PostgreSqlStore _store;

    internal PostgreSqlDataConnector(PostgreSqlStore store) => _store = store;

    /// <inheritdoc/>
    public int Depth => _store.Depth;

    /// <inheritdoc/>
    public ValueTask<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => _store.GetAtomAsync(address, cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default) => _store.SetAtomAsync(address, atom, cancellationToken);

    /// <inheritdoc/>
    public ValueTask RemoveAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => _store.SetAtomAsync(address, Atom.Absent, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => _store.GetChildIdsAsync(meta: false, address, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, Atom>> GetChildAtomsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) => _store.GetChildAtomsAsync(parentAddress, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// PostgreSQL's text holds neither the character U+0000 nor half a surrogate pair (it has no
    /// UTF-8 form); in an atom they are JSON escapes, so only ids are refused.
    /// </remarks>
    public string? WhyNotStorable(IReadOnlyList<string> address, Atom atom)
    {
        foreach (var id in address)
        {
            if (id.Contains('\0', StringComparison.Ordinal))
            {
                return "PostgreSQL text cannot hold the character U+0000, and the id has one";
            }

            for (var i = 0; i < id.Length; i++)
            {
                if (char.IsHighSurrogate(id[i]) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(id[i]))
                {
                    return "PostgreSQL text (UTF-8) cannot hold half a surrogate pair, and the id has one";
                }
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public ValueTask BeginWritesAsync(CancellationToken cancellationToken = default)
    {
        _store.BeginUnit();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask CommitWritesAsync(CancellationToken cancellationToken = default) => _store.CommitUnitAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default) => _store.RollbackUnitAsync();
}

/// <summary>The meta half of a <see cref="PostgreSqlStore"/>: timestamps in the meta table, parent hashes stored beside them.</summary>
public sealed class PostgreSqlMetaConnector : IMetaConnector, IBulkMetaReader, IStoredHashes, ITimestampPrefetch, ILatestTimestamp, ITransactionalConnector, ITombstoneCollector
{
    private readonly PostgreSqlStore _store;

    internal PostgreSqlMetaConnector(PostgreSqlStore store) => _store = store;

    /// <inheritdoc/>
    public int Depth => _store.Depth;

    /// <inheritdoc/>
    public ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => _store.GetTimestampAsync(address, cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default) => _store.SetTimestampAsync(address, timestamp, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => _store.GetChildIdsAsync(meta: true, address, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, string>> GetChildTimestampsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) => _store.GetChildTimestampsAsync(parentAddress, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<uint> GetHashAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) => _store.GetHashAsync(parentAddress, cancellationToken);

    /// <inheritdoc/>
    public ValueTask PrefetchChildTimestampsAsync(IReadOnlyList<string> grandparentAddress, IReadOnlyCollection<string> parentIds, CancellationToken cancellationToken = default) =>
        _store.PrefetchChildTimestampsAsync(grandparentAddress, parentIds, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<string> GetLatestTimestampAsync(CancellationToken cancellationToken = default) => _store.GetLatestTimestampAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long> GetTombstoneHorizonAsync(CancellationToken cancellationToken = default) => _store.GetTombstoneHorizonAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetTombstoneHorizonAsync(long horizon, CancellationToken cancellationToken = default) => _store.SetTombstoneHorizonAsync(horizon, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>One statement: the meta rows stamped before the horizon with no data row.</remarks>
    public ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken = default) => _store.RemoveTombstonesAsync(stampedBefore, cancellationToken);

    /// <inheritdoc/>
    public ValueTask BeginWritesAsync(CancellationToken cancellationToken = default)
    {
        _store.BeginUnit();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask CommitWritesAsync(CancellationToken cancellationToken = default) => _store.CommitUnitAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default) => _store.RollbackUnitAsync();
}
