using Synclets.Connectors;

namespace Synclets.Sqlite;

// Tombstone collection (see ITombstoneCollector): a deleted cell is a timestamp in the meta table
// whose cell is absent (its bit set in the data row's mask, or no data row at all).
public sealed partial class TypedSqliteStore<TRow> : ITombstoneCollector
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>The key of the hash table's row holding the tombstone horizon (not an address: those are JSON arrays).</summary>
    private const string HorizonKey = "tombstone-horizon";

    /// <inheritdoc/>
    public ValueTask<long> GetTombstoneHorizonAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_connection.ReadInteger($"SELECT \"hash\" FROM {_hashes} WHERE \"parent\" = '{HorizonKey}'", _unit.Transaction) ?? 0);

    /// <inheritdoc/>
    public ValueTask SetTombstoneHorizonAsync(long horizon, CancellationToken cancellationToken = default)
    {
        Write(() => _connection.Run(
            $"INSERT INTO {_hashes} (\"parent\", \"hash\") VALUES ('{HorizonKey}', @horizon) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = excluded.\"hash\"",
            _unit.Transaction,
            ("@horizon", horizon)));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Two statements a column (read the old timestamps for the root hash, then clear them), then one for the meta rows left empty.</remarks>
    public ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken = default)
    {
        Flush(); // What the unit buffered (a rejoin's removals) is in the tables before they are read.
        var removed = RemovedTombstones.None;
        Write(() =>
        {
            for (var bit = 0; bit < _columns.Length; bit++)
            {
                var column = SqliteSchema.Quote(_columns[bit]);
                var deleted = $"{column} < @before AND NOT EXISTS (SELECT 1 FROM {_table} AS row WHERE row.{_key} = {_meta}.{_key} AND ((row.\"absent\" >> {bit}) & 1) = 0)";
                foreach (var timestamp in _connection.ReadStrings($"SELECT {column} FROM {_meta} WHERE {deleted}", _unit.Transaction, ("@before", stampedBefore)))
                {
                    _pendingRootDelta ^= Fnv1a.Hash(timestamp);
                    removed = removed.Add(timestamp);
                }

                _connection.Run($"UPDATE {_meta} SET {column} = NULL WHERE {deleted}", _unit.Transaction, ("@before", stampedBefore));
            }

            _connection.Run($"DELETE FROM {_meta} WHERE {string.Join(" AND ", _columns.Select(column => SqliteSchema.Quote(column) + " IS NULL"))}", _unit.Transaction);
        });

        _knownTimestamps.Clear();
        Flush();
        return ValueTask.FromResult(removed);
    }
}
