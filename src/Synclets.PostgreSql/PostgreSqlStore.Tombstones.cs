using Npgsql;
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

    internal async ValueTask SetTombstoneHorizonAsync(long horizon, CancellationToken cancellationToken)
    {
        await WriteAloneOrInUnitAsync(
            $"INSERT INTO {_schema.Hashes} (\"parent\", \"hash\") VALUES ('{HorizonKey}', $1) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = excluded.\"hash\"",
            _ => { },
            cancellationToken,
            horizon).ConfigureAwait(false);
    }

    /// <summary>Deletes the meta rows stamped before <paramref name="stampedBefore"/> that have no data row, in one statement, taking each one's hash out of its parents.</summary>
    internal async ValueTask<RemovedTombstones> RemoveTombstonesAsync(string stampedBefore, CancellationToken cancellationToken)
    {
        var levels = string.Join(", ", _schema.Levels.Select(PostgreSqlSchema.Quote));
        var removed = RemovedTombstones.None;
        var address = new string[Depth];

        // Timestamps are kept as JSON strings of an ASCII alphabet, compared byte by byte (the C collation), whatever the database's.
        await WriteAloneOrInUnitAsync(
            $"DELETE FROM {_schema.Meta} AS meta WHERE meta.\"timestamp\" COLLATE \"C\" < $1 AND NOT EXISTS (SELECT 1 FROM {_schema.Data} AS data WHERE data.\"address\" = meta.\"address\") RETURNING {levels}, meta.\"timestamp\"",
            row =>
            {
                for (var level = 0; level < Depth; level++)
                {
                    address[level] = row.GetString(level);
                }

                var timestamp = Unquoted(row.GetString(Depth));
                var delta = Fnv1a.Hash(timestamp);
                foreach (var parent in ParentKeys(address))
                {
                    _pendingHashes[parent] = (_pendingHashes.TryGetValue(parent, out var pending) ? pending : 0) ^ delta;
                }

                removed = removed.Add(timestamp);
            },
            cancellationToken,
            Quoted(stampedBefore)).ConfigureAwait(false);
        _knownTimestamps.Clear();
        _lastTimestampRead = null;

        // The parents emptied keep a row of hash 0 each: gone too, as no row reads as 0 (the root row stays: a store without one rebuilds its hashes on open).
        await WriteAloneOrInUnitAsync($"DELETE FROM {_schema.Hashes} WHERE \"hash\" = 0 AND \"parent\" LIKE '[%' AND \"parent\" <> '[]'", _ => { }, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>Runs one writing statement after what the unit buffered, inside the unit's transaction (or one of its own, committed at once), reading the rows it returns.</summary>
    private async ValueTask WriteAloneOrInUnitAsync(string sql, Action<NpgsqlDataReader> onRow, CancellationToken cancellationToken, params object[] values)
    {
        var alone = !_session.InUnit;
        if (alone)
        {
            BeginUnit();
        }

        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await _session.TransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = _session.Command(sql, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                onRow(reader);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            if (alone)
            {
                await RollbackUnitAsync().ConfigureAwait(false);
            }

            throw _session.Failure("write", exception);
        }

        if (alone)
        {
            await CommitUnitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
