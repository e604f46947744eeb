using Npgsql;
using Synclets.Protocol;

namespace Synclets.PostgreSql;

// Stored hashes kept right when another program writes the meta table (see WrittenElsewhereTrigger):
// the store looks at the flag with the first hash it reads in a unit of work (in the same query)
// and, when it is set, rebuilds every hash from the meta table.
public sealed partial class PostgreSqlStore
{
    // Set once the flag was read in this unit of work: its later hash reads skip it. A foreign write
    // that commits meanwhile is seen by the next unit, as if it had come a moment later.
    private bool _hashesCheckedInUnit;

    /// <summary>
    /// A parent's stored hash, first rebuilding them all if another program wrote the meta table
    /// since they were last right; the flag and the hash come back in one query.
    /// </summary>
    private async ValueTask<uint> StoredHashAsync(string parentKey, CancellationToken cancellationToken)
    {
        if (!_hashesCheckedInUnit)
        {
            _hashesCheckedInUnit = _session.InUnit;
            var (hash, writtenElsewhere) = await ReadHashAndFlagAsync(parentKey, cancellationToken).ConfigureAwait(false);
            if (!writtenElsewhere)
            {
                return hash is { } stored ? (uint)stored : 0;
            }

            await RebuildHashesAsync(cancellationToken).ConfigureAwait(false);
            _hashesCheckedInUnit = _session.InUnit;
        }

        return await ScalarAsync($"SELECT \"hash\" FROM {_schema.Hashes} WHERE \"parent\" = $1", cancellationToken, parentKey).ConfigureAwait(false) is long known ? (uint)known : 0;
    }

    /// <summary>A parent's stored hash (null when none is stored) and whether another program wrote the meta table since the hashes were last right.</summary>
    private async ValueTask<(long? Hash, bool WrittenElsewhere)> ReadHashAndFlagAsync(string parentKey, CancellationToken cancellationToken)
    {
        long? hash = null;
        var writtenElsewhere = false;
        await ReadAsync(
            $"SELECT \"parent\", \"hash\" FROM {_schema.Hashes} WHERE \"parent\" = $1 OR \"parent\" = '{WrittenElsewhereTrigger.FlagKey}'",
            reader =>
            {
                if (reader.GetString(0) == WrittenElsewhereTrigger.FlagKey)
                {
                    writtenElsewhere = reader.GetInt64(1) != 0;
                }
                else
                {
                    hash = reader.GetInt64(1);
                }
            },
            cancellationToken,
            parentKey).ConfigureAwait(false);
        return (hash, writtenElsewhere);
    }

    /// <summary>
    /// Every parent's hash built again from the meta table. The flag is cleared first, in a
    /// statement of its own: a foreign write that commits after it sets the flag again (its
    /// trigger waits for this unit's row lock), so it is never cleared over a write the rebuild missed.
    /// </summary>
    private async Task RebuildHashesAsync(CancellationToken cancellationToken)
    {
        BeginUnit();
        try
        {
            await _session.TransactionAsync(cancellationToken).ConfigureAwait(false);
            await ScalarAsync($"UPDATE {_schema.Hashes} SET \"hash\" = 0 WHERE \"parent\" = '{WrittenElsewhereTrigger.FlagKey}'", cancellationToken).ConfigureAwait(false);
            await ScalarAsync($"DELETE FROM {_schema.Hashes} WHERE \"parent\" LIKE '[%'", cancellationToken).ConfigureAwait(false);
            await AddHashesOfEveryTimestampAsync(cancellationToken).ConfigureAwait(false);
            await FlushAsync(cancellationToken).ConfigureAwait(false); // Read back at once, even inside a unit that goes on.
        }
        catch
        {
            await RollbackUnitAsync().ConfigureAwait(false);
            throw;
        }

        await CommitUnitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds every timestamp's hash to each of its parents' pending hashes (which the unit's commit XORs onto the stored ones).</summary>
    private Task AddHashesOfEveryTimestampAsync(CancellationToken cancellationToken)
    {
        var levels = string.Join(", ", _schema.Levels.Select(PostgreSqlSchema.Quote));
        _pendingHashes.TryAdd("[]", 0); // Stored even when 0, so the next open knows it was built.
        return ReadAsync($"SELECT \"timestamp\", {levels} FROM {_schema.Meta}", reader =>
        {
            var hash = Fnv1a.Hash(Unquoted(reader.GetString(0)));
            var address = new string[Depth];
            for (var level = 0; level < Depth; level++)
            {
                address[level] = reader.GetString(level + 1);
            }

            for (var length = 0; length < Depth; length++)
            {
                var parent = AtomJson.WriteAddress(address[..length]);
                _pendingHashes[parent] = (_pendingHashes.TryGetValue(parent, out var pending) ? pending : 0) ^ hash;
            }
        }, cancellationToken);
    }
}
