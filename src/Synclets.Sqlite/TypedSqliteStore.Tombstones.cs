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
    /// <remarks>
    /// Three statements: one reads the deleted cells' timestamps stamped before the horizon (for
    /// the root hash), one clears them, in one pass each over the meta table joined with the rows'
    /// absent masks, and one deletes the meta rows left empty.
    /// </remarks>
    public ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken = default)
    {
        Flush(); // What the unit buffered (a rejoin's removals) is in the tables before they are read.

        // A meta row without a data row is all deleted: its mask reads as every column's bit set.
        string Deleted(int bit, string table, string absentMask) =>
            $"({table}.{SqliteSchema.Quote(_columns[bit])} < @before AND (({absentMask} >> {bit}) & 1) = 1)";
        var bits = Enumerable.Range(0, _columns.Length).ToArray();
        var anyInMeta = string.Join(" OR ", bits.Select(bit => Deleted(bit, "meta", "COALESCE(row.\"absent\", @all)")));
        var read = $"SELECT {string.Join(", ", bits.Select(bit => $"CASE WHEN {Deleted(bit, "meta", "COALESCE(row.\"absent\", @all)")} THEN meta.{SqliteSchema.Quote(_columns[bit])} END"))} "
            + $"FROM {_meta} AS meta LEFT JOIN {_table} AS row ON row.{_key} = meta.{_key} WHERE {anyInMeta}";
        var clear = $"UPDATE {_meta} SET {string.Join(", ", bits.Select(bit => $"{SqliteSchema.Quote(_columns[bit])} = CASE WHEN {Deleted(bit, _meta, "mask.\"absent\"")} THEN NULL ELSE {_meta}.{SqliteSchema.Quote(_columns[bit])} END"))} "
            + $"FROM (SELECT meta.{_key} AS \"key\", COALESCE(row.\"absent\", @all) AS \"absent\" FROM {_meta} AS meta LEFT JOIN {_table} AS row ON row.{_key} = meta.{_key} WHERE {anyInMeta}) AS mask "
            + $"WHERE {_meta}.{_key} = mask.\"key\"";
        var removed = RemovedTombstones.None;
        Write(() =>
        {
            using (var command = _connection.CreateCommand())
            {
                command.Transaction = _unit.Transaction;
                command.CommandText = read;
                command.Parameters.AddWithValue("@before", stampedBefore);
                command.Parameters.AddWithValue("@all", _allMask);
                using var rows = command.ExecuteReader();
                while (rows.Read())
                {
                    foreach (var bit in bits)
                    {
                        if (!rows.IsDBNull(bit))
                        {
                            var timestamp = rows.GetString(bit);
                            _pendingRootDelta ^= Fnv1a.Hash(timestamp);
                            removed = removed.Add(timestamp);
                        }
                    }
                }
            }

            _connection.Run(clear, _unit.Transaction, ("@before", stampedBefore), ("@all", _allMask));
            _connection.Run($"DELETE FROM {_meta} WHERE {string.Join(" AND ", _columns.Select(column => SqliteSchema.Quote(column) + " IS NULL"))}", _unit.Transaction);
        });

        _knownTimestamps.Clear();
        Flush();
        if (removed.Count > 0)
        {
            _log.SetFloor(_lastSequence); // A feed cannot carry a deletion forgotten: a peer that saw less syncs by hashes.
        }

        return ValueTask.FromResult(removed);
    }
}
