using Npgsql;
using Synclets.Protocol;

namespace Synclets.PostgreSql;

// Reading the store: what the unit of work buffered first, then the tables (after sending the
// buffer, where a read covers more than one address).
public sealed partial class PostgreSqlStore
{
    internal async ValueTask<Atom> GetAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken)
    {
        var key = AtomJson.WriteAddress(address);
        if (_pendingData.TryGetValue(key, out var pending))
        {
            return pending.Json is null ? Atom.Absent : AtomJson.Parse(pending.Json);
        }

        return await ScalarAsync($"SELECT \"atom\" FROM {_schema.Data} WHERE \"address\" = $1", cancellationToken, key).ConfigureAwait(false) is string json
            ? Parse(json, address)
            : Atom.Absent;
    }

    internal ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken) =>
        StoredTimestampAsync(AtomJson.WriteAddress(address), AtomJson.WriteAddress([.. address.Take(address.Count - 1)]), address[^1], cancellationToken);

    /// <summary>An atom's timestamp by its key: written in this unit, just read, read ahead with its parent, or read now.</summary>
    private async ValueTask<string> StoredTimestampAsync(string key, string parentKey, string id, CancellationToken cancellationToken)
    {
        if (_pendingMeta.TryGetValue(key, out var pending))
        {
            return pending.Timestamp;
        }

        if (_lastTimestampRead is { } last && last.Key == key)
        {
            return last.Timestamp;
        }

        if (_knownTimestamps.TryGetValue(parentKey, out var known))
        {
            return known.TryGetValue(id, out var timestamp) ? timestamp : Timestamp.None;
        }

        var stored = await ScalarAsync($"SELECT \"timestamp\" FROM {_schema.Meta} WHERE \"address\" = $1", cancellationToken, key).ConfigureAwait(false) is string text ? Unquoted(text) : Timestamp.None;
        _lastTimestampRead = (key, stored);
        return stored;
    }

    internal async ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(bool meta, IReadOnlyList<string> address, CancellationToken cancellationToken)
    {
        if (address.Count >= Depth)
        {
            return [];
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        await ReadAsync($"SELECT DISTINCT {PostgreSqlSchema.Quote(_schema.Levels[address.Count])} FROM {(meta ? _schema.Meta : _schema.Data)}{Below(address)}", reader => ids.Add(reader.GetString(0)), cancellationToken, [.. address]).ConfigureAwait(false);
        return ids;
    }

    internal async ValueTask<IReadOnlyDictionary<string, Atom>> GetChildAtomsAsync(IReadOnlyList<string> parent, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var atoms = new Dictionary<string, Atom>(StringComparer.Ordinal);
        await ReadAsync($"SELECT {PostgreSqlSchema.Quote(_schema.Levels[parent.Count])}, \"atom\" FROM {_schema.Data}{Below(parent)}", reader =>
        {
            var id = reader.GetString(0);
            atoms[id] = Parse(reader.GetString(1), [.. parent, id]);
        }, cancellationToken, [.. parent]).ConfigureAwait(false);
        return atoms;
    }

    internal async ValueTask<IReadOnlyDictionary<string, string>> GetChildTimestampsAsync(IReadOnlyList<string> parent, CancellationToken cancellationToken)
    {
        if (_knownTimestamps.TryGetValue(AtomJson.WriteAddress(parent), out var known))
        {
            return new Dictionary<string, string>(known, StringComparer.Ordinal);
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var timestamps = new Dictionary<string, string>(StringComparer.Ordinal);
        await ReadAsync($"SELECT {PostgreSqlSchema.Quote(_schema.Levels[parent.Count])}, \"timestamp\" FROM {_schema.Meta}{Below(parent)}", reader => timestamps[reader.GetString(0)] = Unquoted(reader.GetString(1)), cancellationToken, [.. parent]).ConfigureAwait(false);
        return timestamps;
    }

    /// <summary>Reads ahead, in one query, the timestamps of many parents (the rows of a received message), for this unit of work.</summary>
    internal async ValueTask PrefetchChildTimestampsAsync(IReadOnlyList<string> grandparent, IReadOnlyCollection<string> parentIds, CancellationToken cancellationToken)
    {
        var unknown = parentIds.Where(id => !_knownTimestamps.ContainsKey(AtomJson.WriteAddress([.. grandparent, id]))).ToArray();
        if (!_session.InUnit || unknown.Length == 0 || grandparent.Count != Depth - 2)
        {
            return;
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var byParent = unknown.ToDictionary(id => id, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        var parentLevel = PostgreSqlSchema.Quote(_schema.Levels[Depth - 2]);
        var atomLevel = PostgreSqlSchema.Quote(_schema.Levels[Depth - 1]);
        var below = Below(grandparent);
        var sql = $"SELECT {parentLevel}, {atomLevel}, \"timestamp\" FROM {_schema.Meta}{below}{(below.Length == 0 ? " WHERE " : " AND ")}{parentLevel} = ANY(${grandparent.Count + 1})";
        await ReadAsync(sql, reader => byParent[reader.GetString(0)][reader.GetString(1)] = Unquoted(reader.GetString(2)), cancellationToken, [.. grandparent, unknown]).ConfigureAwait(false);
        foreach (var (id, timestamps) in byParent)
        {
            _knownTimestamps[AtomJson.WriteAddress([.. grandparent, id])] = timestamps;
        }
    }

    internal async ValueTask<uint> GetHashAsync(IReadOnlyList<string> parent, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await StoredHashAsync(AtomJson.WriteAddress(parent), cancellationToken).ConfigureAwait(false);
    }

    internal async ValueTask<string> GetLatestTimestampAsync(CancellationToken cancellationToken) =>
        await ScalarAsync($"SELECT max(\"timestamp\") FROM {_schema.Meta}", cancellationToken).ConfigureAwait(false) is string latest ? Unquoted(latest) : Timestamp.None;

    /// <summary>
    /// A store without a stored root hash (new, or written by another program, the reference's
    /// PGlite connector among them) gets every parent's hash built once from the meta table; one
    /// whose meta table another program wrote while no store had it open, again.
    /// </summary>
    private async Task EnsureRootHashAsync(CancellationToken cancellationToken)
    {
        var (root, writtenElsewhere) = await ReadHashAndFlagAsync("[]", cancellationToken).ConfigureAwait(false);
        if (root is not null)
        {
            if (writtenElsewhere)
            {
                await RebuildHashesAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        BeginUnit();
        await AddHashesOfEveryTimestampAsync(cancellationToken).ConfigureAwait(false);
        await CommitUnitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>" WHERE address1 = $1 AND ...": the rows below a parent, one parameter per id.</summary>
    private string Below(IReadOnlyList<string> parent) =>
        parent.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", parent.Select((_, i) => $"{PostgreSqlSchema.Quote(_schema.Levels[i])} = ${i + 1}"));

    private Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params object[] values) =>
        _session.ScalarAsync(sql, cancellationToken, values);

    private Task ReadAsync(string sql, Action<NpgsqlDataReader> onRow, CancellationToken cancellationToken, params object[] values) =>
        _session.ReadAsync(sql, onRow, cancellationToken, values);

    private static Atom Parse(string json, IReadOnlyList<string> address)
    {
        try
        {
            return AtomJson.Parse(json);
        }
        catch (Exception exception) when (exception is FormatException or System.Text.Json.JsonException or ArgumentException)
        {
            throw new PostgreSqlStoreException($"The atom stored at {AtomJson.WriteAddress(address)} is not valid JSON ({json}): another program wrote it. Delete or fix that row.", exception);
        }
    }
}
