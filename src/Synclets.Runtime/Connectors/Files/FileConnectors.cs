namespace Synclets.Connectors.Files;

/// <summary>The data half of a <see cref="JsonFileStore"/>.</summary>
internal sealed class FileDataConnector(JsonFileStore store, MemoryDataConnector memory) : IDataConnector, IBulkDataReader, ITransactionalConnector
{
    public int Depth => memory.Depth;

    public ValueTask<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => memory.GetAtomAsync(address, cancellationToken);

    public async ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default)
    {
        JsonFileStore.RequireWholeIds(address);
        await memory.SetAtomAsync(address, atom, cancellationToken).ConfigureAwait(false);
        await store.WrittenAsync(address).ConfigureAwait(false);
    }

    public async ValueTask RemoveAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default)
    {
        JsonFileStore.RequireWholeIds(address);
        await memory.RemoveAtomAsync(address, cancellationToken).ConfigureAwait(false);
        await store.WrittenAsync(address).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => memory.GetChildIdsAsync(address, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, Atom>> GetChildAtomsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) => memory.GetChildAtomsAsync(parentAddress, cancellationToken);

    public ValueTask BeginWritesAsync(CancellationToken cancellationToken = default)
    {
        store.BeginUnit();
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitWritesAsync(CancellationToken cancellationToken = default) => store.CommitUnitAsync(cancellationToken);

    public ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default) => store.RollbackUnitAsync(cancellationToken);
}

/// <summary>The meta half of a <see cref="JsonFileStore"/>, with stored hashes (kept in memory).</summary>
internal sealed class FileMetaConnector(JsonFileStore store, MemoryMetaConnector memory) : IMetaConnector, IBulkMetaReader, IStoredHashes, ITransactionalConnector, ITombstoneCollector
{
    public int Depth => memory.Depth;

    public ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => memory.GetTimestampAsync(address, cancellationToken);

    public async ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default)
    {
        JsonFileStore.RequireWholeIds(address);
        await memory.SetTimestampAsync(address, timestamp, cancellationToken).ConfigureAwait(false);
        await store.WrittenAsync(address).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => memory.GetChildIdsAsync(address, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, string>> GetChildTimestampsAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) => memory.GetChildTimestampsAsync(parentAddress, cancellationToken);

    public ValueTask<uint> GetHashAsync(IReadOnlyList<string> parentAddress, CancellationToken cancellationToken = default) => memory.GetHashAsync(parentAddress, cancellationToken);

    public ValueTask<long> GetTombstoneHorizonAsync(CancellationToken cancellationToken = default) => memory.GetTombstoneHorizonAsync(cancellationToken);

    public async ValueTask SetTombstoneHorizonAsync(long horizon, CancellationToken cancellationToken = default)
    {
        await memory.SetTombstoneHorizonAsync(horizon, cancellationToken).ConfigureAwait(false);
        await store.HorizonChangedAsync().ConfigureAwait(false);
    }

    public async ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken = default)
    {
        var (removed, addresses) = await memory.RemoveTombstonesWithAddressesAsync(stampedBefore, data, cancellationToken).ConfigureAwait(false);
        foreach (var address in addresses)
        {
            await store.WrittenAsync(address).ConfigureAwait(false);
        }

        return removed;
    }

    public ValueTask BeginWritesAsync(CancellationToken cancellationToken = default)
    {
        store.BeginUnit();
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitWritesAsync(CancellationToken cancellationToken = default) => store.CommitUnitAsync(cancellationToken);

    public ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default) => store.RollbackUnitAsync(cancellationToken);
}
