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
        await WriteNowAsync(
            async () =>
            {
                await using var command = _session.Command($"INSERT INTO {_hashes} (\"parent\", \"hash\") VALUES ('{HorizonKey}', $1) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = excluded.\"hash\"", [horizon]);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>
    /// Two statements: one that reads the deleted cells' timestamps stamped before the horizon
    /// (for the root hash) and clears them, in one pass over the meta table joined with the rows'
    /// absent masks, and one for the meta rows left empty.
    /// </remarks>
    public async ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, IDataConnector data, CancellationToken cancellationToken = default)
    {
        var removed = RemovedTombstones.None;

        // A meta row without a data row is all deleted: its mask reads as -1, every bit set.
        // Timestamps compared byte by byte (the C collation), whatever the database's.
        string Deleted(PostgreSqlColumn column, string table, string absentMask) =>
            $"({table}.{PostgreSqlSchema.Quote(column.Id)} COLLATE \"C\" < $1 AND (({absentMask} >> {_bits[column.Id]}) & 1) = 1)";
        var inMeta = _columns.Select(column => Deleted(column, "meta", "COALESCE(row.\"absent\", -1)"));
        var gone = _columns.Select(column => Deleted(column, "old", "old.\"absent\"")).ToArray();
        var sql = $"""
            WITH old AS (
                SELECT meta.{_key}, {string.Join(", ", _columns.Select(column => "meta." + PostgreSqlSchema.Quote(column.Id)))}, COALESCE(row."absent", -1) AS "absent"
                FROM {_meta} AS meta LEFT JOIN {_table} AS row ON row.{_key} = meta.{_key}
                WHERE {string.Join(" OR ", inMeta)}
                FOR UPDATE OF meta),
            cleared AS (
                UPDATE {_meta} AS meta SET {string.Join(", ", _columns.Select((column, i) => $"{PostgreSqlSchema.Quote(column.Id)} = CASE WHEN {gone[i]} THEN NULL ELSE meta.{PostgreSqlSchema.Quote(column.Id)} END"))}
                FROM old WHERE meta.{_key} = old.{_key})
            SELECT {string.Join(", ", _columns.Select((column, i) => $"CASE WHEN {gone[i]} THEN old.{PostgreSqlSchema.Quote(column.Id)} END"))}
            FROM old
            """;
        await WriteNowAsync(
            async () =>
            {
                await using (var clear = _session.Command(sql, [stampedBefore]))
                await using (var rows = await clear.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        for (var column = 0; column < _columns.Length; column++)
                        {
                            if (!rows.IsDBNull(column))
                            {
                                var timestamp = rows.GetString(column);
                                _pendingRootDelta ^= Fnv1a.Hash(timestamp);
                                removed = removed.Add(timestamp);
                            }
                        }
                    }
                }

                await using var empty = _session.Command($"DELETE FROM {_meta} WHERE {string.Join(" AND ", _columns.Select(column => PostgreSqlSchema.Quote(column.Id) + " IS NULL"))}", []);
                await empty.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        _knownTimestamps.Clear();
        return removed;
    }

    /// <summary>Statements run now (see <see cref="PostgreSqlSession.WriteNowAsync"/>).</summary>
    private Task WriteNowAsync(Func<Task> write, CancellationToken cancellationToken) =>
        _session.WriteNowAsync(FlushAsync, write, CommitWritesAsync, () => RollbackWritesAsync(cancellationToken), cancellationToken);
}
