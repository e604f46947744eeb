using Npgsql;
using Synclets.Connectors;

namespace Synclets.PostgreSql;

// Tombstone collection (see ITombstoneCollector): a deleted cell is a timestamp in the meta table
// whose cell is absent (its bit set in the data row's mask, or no data row at all).
public sealed partial class TypedPostgreSqlStore<TRow> : ITombstoneCollector
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>The key of the hashes table's row holding the tombstone horizon (not an address: those are JSON arrays).</summary>
    private const string HorizonKey = "tombstone horizon";

    /// <inheritdoc/>
    public async ValueTask<long> GetTombstoneHorizonAsync(CancellationToken cancellationToken = default) =>
        await _session.ScalarAsync($"SELECT \"hash\" FROM {_hashes} WHERE \"parent\" = '{HorizonKey}'", cancellationToken).ConfigureAwait(false) is long horizon ? horizon : 0;

    /// <inheritdoc/>
    public async ValueTask SetTombstoneHorizonAsync(long horizon, CancellationToken cancellationToken = default) =>
        await WriteInUnitAsync(
            async () =>
            {
                await using var command = _session.Command($"INSERT INTO {_hashes} (\"parent\", \"hash\") VALUES ('{HorizonKey}', $1) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = excluded.\"hash\"", [horizon]);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>Two statements a column (read the old timestamps for the root hash, then clear them), then one for the meta rows left empty.</remarks>
    public async ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken = default)
    {
        var removed = RemovedTombstones.None;
        await WriteInUnitAsync(
            async () =>
            {
                foreach (var column in _columns)
                {
                    var quoted = PostgreSqlSchema.Quote(column.Id);

                    // Timestamps compared byte by byte (the C collation), whatever the database's.
                    var deleted = $"{quoted} COLLATE \"C\" < $1 AND NOT EXISTS (SELECT 1 FROM {_table} AS row WHERE row.{_key} = {_meta}.{_key} AND ((row.\"absent\" >> {_bits[column.Id]}) & 1) = 0)";
                    await using (var read = _session.Command($"SELECT {quoted} FROM {_meta} WHERE {deleted}", [stampedBefore]))
                    await using (var rows = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var timestamp = rows.GetString(0);
                            _pendingRootDelta ^= Fnv1a.Hash(timestamp);
                            removed = removed.Add(timestamp);
                        }
                    }

                    await using var clear = _session.Command($"UPDATE {_meta} SET {quoted} = NULL WHERE {deleted}", [stampedBefore]);
                    await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using var empty = _session.Command($"DELETE FROM {_meta} WHERE {string.Join(" AND ", _columns.Select(column => PostgreSqlSchema.Quote(column.Id) + " IS NULL"))}", []);
                await empty.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return removed.Count;
            },
            cancellationToken).ConfigureAwait(false);
        _knownTimestamps.Clear();
        return removed;
    }

    /// <summary>Runs statements after what the unit buffered, inside its transaction (or one of their own, committed at once).</summary>
    private async Task<long> WriteInUnitAsync(Func<Task<long>> write, CancellationToken cancellationToken)
    {
        var alone = !_session.InUnit;
        if (alone)
        {
            _session.BeginUnit();
        }

        long result;
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await _session.TransactionAsync(cancellationToken).ConfigureAwait(false);
            result = await write().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            if (alone)
            {
                await RollbackWritesAsync(cancellationToken).ConfigureAwait(false);
            }

            throw _session.Failure("write", exception);
        }

        if (alone)
        {
            await CommitWritesAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }
}
