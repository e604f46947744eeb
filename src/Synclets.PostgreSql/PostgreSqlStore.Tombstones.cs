using Synclets.Connectors;
using Synclets.Protocol;

namespace Synclets.PostgreSql;

// Tombstone collection (see Synclets.Connectors.ITombstoneCollector): deleted atoms are meta rows
// without a data row; the horizon is one more row of the hashes table, beside the written-elsewhere flag.
public sealed partial class PostgreSqlStore
{
    /// <summary>The key of the hashes table's row holding the tombstone horizon (not an address: those are JSON arrays).</summary>
    internal const string HorizonKey = "tombstone horizon";

    internal async ValueTask<long> GetTombstoneHorizonAsync(CancellationToken cancellationToken) =>
        await _session.ScalarAsync($"SELECT \"hash\" FROM {_schema.Hashes} WHERE \"parent\" = '{HorizonKey}'", cancellationToken).ConfigureAwait(false) is long horizon ? horizon : 0;

    internal ValueTask SetTombstoneHorizonAsync(long horizon, CancellationToken cancellationToken) =>
        new(WriteNowAsync(
            $"INSERT INTO {_schema.Hashes} (\"parent\", \"hash\") VALUES ('{HorizonKey}', $1) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = excluded.\"hash\"",
            cancellationToken,
            horizon));

    /// <summary>
    /// Deletes the meta rows stamped before <paramref name="stampedBefore"/> that have no data row,
    /// in one statement, taking each one's hash out of its parents, then the parents left at hash 0.
    /// </summary>
    internal async ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, CancellationToken cancellationToken)
    {
        var levels = string.Join(", ", _schema.Levels.Select(PostgreSqlSchema.Quote));
        var removed = RemovedTombstones.None;
        var address = new string[Depth];
        await _session.WriteNowAsync(FlushAsync, async () =>
        {
            // Timestamps are kept as JSON strings of an ASCII alphabet, compared byte by byte (the C collation), whatever the database's.
            await using (var delete = _session.Command($"DELETE FROM {_schema.Meta} AS meta WHERE meta.\"timestamp\" COLLATE \"C\" < $1 AND NOT EXISTS (SELECT 1 FROM {_schema.Data} AS data WHERE data.\"address\" = meta.\"address\") RETURNING {levels}, meta.\"timestamp\"", [Quoted(stampedBefore)]))
            await using (var rows = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    for (var level = 0; level < Depth; level++)
                    {
                        address[level] = rows.GetString(level);
                    }

                    var timestamp = Unquoted(rows.GetString(Depth));
                    var delta = Fnv1a.Hash(timestamp);
                    foreach (var parent in ParentKeys(address))
                    {
                        _pendingHashes[parent] = (_pendingHashes.TryGetValue(parent, out var pending) ? pending : 0) ^ delta;
                    }

                    removed = removed.Add(timestamp);
                }
            }

            // The parents emptied keep a row of hash 0 each: gone too, as no row reads as 0 (the root row stays: a store without one rebuilds its hashes on open).
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await using var zeroes = _session.Command($"DELETE FROM {_schema.Hashes} WHERE \"hash\" = 0 AND \"parent\" LIKE '[%' AND \"parent\" <> '[]'", []);
            await zeroes.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, CommitUnitAsync, RollbackUnitAsync, cancellationToken).ConfigureAwait(false);
        _knownTimestamps.Clear();
        _lastTimestampRead = null;
        return removed;
    }

    /// <summary>One writing statement, run now (see <see cref="PostgreSqlSession.WriteNowAsync"/>).</summary>
    private Task WriteNowAsync(string sql, CancellationToken cancellationToken, params object[] values) =>
        _session.WriteNowAsync(FlushAsync, async () =>
        {
            await using var command = _session.Command(sql, values);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, CommitUnitAsync, RollbackUnitAsync, cancellationToken);
}
