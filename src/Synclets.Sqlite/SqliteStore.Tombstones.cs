using Synclets.Connectors;
using Synclets.Protocol;

namespace Synclets.Sqlite;

// Tombstone collection (see Synclets.Connectors.ITombstoneCollector): deleted atoms are meta rows
// without a data row; the horizon is one more row of the hash table, beside the layout's.
public sealed partial class SqliteStore
{
    /// <summary>The key of the hash table's row holding the tombstone horizon (not an address: those are JSON arrays).</summary>
    internal const string HorizonKey = "tombstone-horizon";

    internal long GetTombstoneHorizon()
    {
        try
        {
            return _connection.ReadInteger($"SELECT \"hash\" FROM {SqliteSchema.Quote(_options.HashTable)} WHERE \"parent\" = '{HorizonKey}'", _unit.Transaction) ?? 0;
        }
        catch (Microsoft.Data.Sqlite.SqliteException) when (_options.ReadOnly)
        {
            return 0; // A file of another program, opened read-only, may have no hash table: nothing was collected by us.
        }
    }

    internal void SetTombstoneHorizon(long horizon)
    {
        if (!_unit.IsOpen)
        {
            RunUnit(() => SetTombstoneHorizon(horizon));
            return;
        }

        Write(() => _connection.Run(
            $"INSERT INTO {SqliteSchema.Quote(_options.HashTable)} (\"parent\", \"hash\") VALUES ('{HorizonKey}', @horizon) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = excluded.\"hash\"",
            _unit.Transaction,
            ("@horizon", horizon)));
    }

    /// <summary>Deletes the meta rows stamped before <paramref name="stampedBefore"/> that have no data row, in one statement, taking each one's hash out of its parents.</summary>
    internal RemovedTombstones RemoveTombstones(string stampedBefore)
    {
        if (!_unit.IsOpen)
        {
            var alone = RemovedTombstones.None;
            RunUnit(() => alone = RemoveTombstones(stampedBefore));
            return alone;
        }

        var meta = SqliteSchema.Quote(_options.MetaTable);
        var data = SqliteSchema.Quote(_options.DataTable);
        var address = SqliteSchema.Quote(_options.AddressColumn);
        var timestamp = SqliteSchema.Quote(_options.TimestampColumn);
        var levels = string.Join(", ", Enumerable.Range(1, Depth).Select(level => SqliteSchema.Quote(SqliteSchema.Level(_options, level))));
        var removed = RemovedTombstones.None;
        Write(() =>
        {
            using var command = _connection.CreateCommand();
            command.Transaction = _unit.Transaction;

            // Timestamps are kept as JSON strings of an ASCII alphabet: their order is the bare timestamps' order.
            command.CommandText = $"DELETE FROM {meta} WHERE {timestamp} < json_quote(@before) AND NOT EXISTS (SELECT 1 FROM {data} WHERE {data}.{address} = {meta}.{address}) RETURNING {levels}, {timestamp}";
            command.Parameters.AddWithValue("@before", stampedBefore);
            using var rows = command.ExecuteReader();
            var ids = new string[Depth];
            while (rows.Read())
            {
                for (var level = 0; level < Depth; level++)
                {
                    ids[level] = rows.GetString(level);
                }

                var timestamp = SqliteLayout.ReadTimestamp(rows.GetString(Depth));
                var delta = Fnv1a.Hash(timestamp);
                for (var length = 0; length < Depth; length++)
                {
                    var parent = AtomJson.WriteAddress(ids[..length]);
                    _pendingHashes[parent] = (_pendingHashes.TryGetValue(parent, out var pending) ? pending : 0) ^ delta;
                }

                removed = removed.Add(timestamp);
            }
        });

        // The parents emptied keep a row of hash 0 each: gone too, as no row reads as 0 (the root row stays: a store without one rebuilds its hashes on open).
        FlushHashes();
        Write(() => _connection.Run($"DELETE FROM {SqliteSchema.Quote(_options.HashTable)} WHERE \"hash\" = 0 AND \"parent\" LIKE '[%' AND \"parent\" <> '[]'", _unit.Transaction));

        _lastTimestampRead = null;
        _lastRowRead = null;
        if (removed.Count > 0)
        {
            _log.SetFloor(_lastSequence); // A feed cannot carry a deletion forgotten: a peer that saw less syncs by hashes.
        }

        return removed;
    }
}
