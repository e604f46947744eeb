namespace Synclets.PostgreSql;

// The stored root hash: read with the other-writer flag (see WrittenElsewhereTrigger) in one query,
// and built again from the meta table when it is missing or another program wrote the table.
public sealed partial class TypedPostgreSqlStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>The root hash as this unit of work sees it: the stored one, rebuilt first if it is stale, plus what the unit changed and has not sent.</summary>
    private async ValueTask<uint> RootHashAsync(CancellationToken cancellationToken)
    {
        var (root, writtenElsewhere) = await ReadRootAndFlagAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || writtenElsewhere)
        {
            return await RebuildRootHashAsync(cancellationToken).ConfigureAwait(false);
        }

        return (uint)root.Value ^ _pendingRootDelta;
    }

    /// <summary>On open: tables with timestamps and no stored root hash, or written by another program while closed, get it built.</summary>
    private async Task EnsureRootHashAsync(CancellationToken cancellationToken) => await RootHashAsync(cancellationToken).ConfigureAwait(false);

    private async ValueTask<(long? Root, bool WrittenElsewhere)> ReadRootAndFlagAsync(CancellationToken cancellationToken)
    {
        long? root = null;
        var writtenElsewhere = false;
        await _session.ReadAsync($"SELECT \"parent\", \"hash\" FROM {_hashes} WHERE \"parent\" = '[]' OR \"parent\" = '{WrittenElsewhereTrigger.FlagKey}'", reader =>
        {
            if (reader.GetString(0) == WrittenElsewhereTrigger.FlagKey)
            {
                writtenElsewhere = reader.GetInt64(1) != 0;
            }
            else
            {
                root = reader.GetInt64(1);
            }
        }, cancellationToken).ConfigureAwait(false);
        return (root, writtenElsewhere);
    }

    /// <summary>
    /// The root hash built from every timestamp, inside the unit of work (or one of its own): what
    /// the unit buffered is sent first, so the meta table holds it; the flag is cleared before the
    /// read, so a foreign write committing meanwhile sets it again (its trigger waits for this row).
    /// </summary>
    private async ValueTask<uint> RebuildRootHashAsync(CancellationToken cancellationToken)
    {
        _session.BeginUnit();
        uint hash = 0;
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await _session.TransactionAsync(cancellationToken).ConfigureAwait(false);
            await _session.ScalarAsync($"UPDATE {_hashes} SET \"hash\" = 0 WHERE \"parent\" = '{WrittenElsewhereTrigger.FlagKey}'", cancellationToken).ConfigureAwait(false);
            await _session.ReadAsync($"SELECT {TimestampColumns} FROM {_meta}", reader =>
            {
                for (var i = 0; i < _columns.Length; i++)
                {
                    hash ^= reader.IsDBNull(i) ? 0 : Fnv1a.Hash(reader.GetString(i));
                }
            }, cancellationToken).ConfigureAwait(false);
            await _session.ScalarAsync($"INSERT INTO {_hashes} (\"parent\", \"hash\") VALUES ('[]', $1) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = excluded.\"hash\"", cancellationToken, (long)hash).ConfigureAwait(false);
            _knownTimestamps.Clear(); // Another program may have changed rows this unit had read.
        }
        catch
        {
            await RollbackWritesAsync(cancellationToken).ConfigureAwait(false);
            throw;
        }

        await CommitWritesAsync(cancellationToken).ConfigureAwait(false);
        return hash;
    }
}
