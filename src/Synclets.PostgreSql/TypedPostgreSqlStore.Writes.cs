using Npgsql;
using NpgsqlTypes;

namespace Synclets.PostgreSql;

// Writing: cells and timestamps buffered per row for the unit of work, sent at its commit as one
// statement per table (each column's values in one array), and the root hash's change with them.
public sealed partial class TypedPostgreSqlStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <inheritdoc/>
    public ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default)
    {
        if (WhyNotStorable(address, atom) is { } reason)
        {
            throw new PostgreSqlStoreException(reason);
        }

        var bit = Bit(address[1]);
        var pending = Pending(address[0]);
        pending.Atoms[bit] = atom;
        pending.Touched |= 1L << bit;
        return StandAloneAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask RemoveAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        SetAtomAsync(address, Atom.Absent, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>A typed column holds atoms of one kind (or null) that its PostgreSQL type keeps exactly; text holds no U+0000 and no half surrogate pair; an unknown column is refused too.</remarks>
    public string? WhyNotStorable(IReadOnlyList<string> address, Atom atom)
    {
        if (!_bits.TryGetValue(address[1], out var bit))
        {
            return $"Table {TRow.SqlTableName} has no column '{address[1]}' (written at [{address[0]}, {address[1]}]). The peer's schema differs from this record's.";
        }

        if (WhyNotText(address[0]) is { } badId)
        {
            return $"The row id '{address[0]}' of table {TRow.SqlTableName} cannot be stored: {badId}.";
        }

        if (atom.IsAbsent || atom.Kind == AtomKind.Null)
        {
            return null;
        }

        var column = _columns[bit];
        if (atom.Kind != column.Kind)
        {
            return $"Column '{address[1]}' of table {TRow.SqlTableName} holds {column.Kind} atoms, but {atom} was written at [{address[0]}, {address[1]}]. The peer's schema differs from this record's.";
        }

        if (column.WhyNotStorable(atom) is { } reason)
        {
            return $"Column '{address[1]}' of table {TRow.SqlTableName} {reason} (written at [{address[0]}, {address[1]}]). The peer's schema differs from this record's.";
        }

        return atom.Kind == AtomKind.String && WhyNotText(atom.AsString()) is { } badText
            ? $"The text written at [{address[0]}, {address[1]}] of table {TRow.SqlTableName} cannot be stored: {badText}."
            : null;
    }

    /// <summary>Why PostgreSQL's UTF-8 text cannot hold a string, or null when it can.</summary>
    private static string? WhyNotText(string text) =>
        text.Contains('\0', StringComparison.Ordinal) ? "PostgreSQL text cannot hold the character U+0000"
        : Ids.HasUnpairedSurrogate(text) ? "PostgreSQL text (UTF-8) cannot hold half a surrogate pair"
        : null;

    /// <inheritdoc/>
    public async ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default)
    {
        var bit = Bit(address[1]);
        if (WhyNotText(address[0]) is { } badId)
        {
            throw new PostgreSqlStoreException($"The row id '{address[0]}' of table {TRow.SqlTableName} cannot be stored: {badId}.");
        }

        var row = await RowTimestampsAsync(address[0], cancellationToken).ConfigureAwait(false);
        var previous = row[bit];
        row[bit] = timestamp;
        var pending = Pending(address[0]);
        pending.Timestamps[bit] = timestamp;
        pending.MetaTouched |= 1L << bit;
        _pendingRootDelta ^= Fnv1a.Hash(timestamp) ^ (previous is null ? 0 : Fnv1a.Hash(previous));
        await StandAloneAsync(cancellationToken).ConfigureAwait(false);
    }

    private PendingRow Pending(string rowId)
    {
        if (!_pending.TryGetValue(rowId, out var pending))
        {
            pending = new PendingRow(_columns.Length);
            _pending[rowId] = pending;
        }

        return pending;
    }

    /// <summary>
    /// Sends the buffered rows and the root hash's change inside the unit's transaction (begun here
    /// at its first write): the rows new to both tables by binary COPY when they can be
    /// (<see cref="TryCopyNewRowsAsync"/>), the others and the hash in one batch of statements.
    /// </summary>
    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0 && _pendingRootDelta == 0)
        {
            return;
        }

        try
        {
            var transaction = await _session.TransactionAsync(cancellationToken).ConfigureAwait(false);
            var rows = _pending.ToList();
            if (_newRows.Count > 0 && _canCopy && rows.Where(row => _newRows.Contains(row.Key)).ToList() is { Count: > 0 } fresh
                && await TryCopyNewRowsAsync(fresh, cancellationToken).ConfigureAwait(false))
            {
                rows.RemoveAll(row => _newRows.Contains(row.Key));
            }

            await using var batch = new NpgsqlBatch(_session.Connection, transaction);
            AddDataUpsert(batch, rows);
            AddMetaUpsert(batch, rows);
            if (_pendingRootDelta != 0)
            {
                // XOR is PostgreSQL's #; hashes are kept as the unsigned 32-bit values they are.
                batch.BatchCommands.Add(PostgreSqlSession.Statement(
                    $"INSERT INTO {_hashes} (\"parent\", \"hash\") VALUES ('[]', $1) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = {_hashes}.\"hash\" # excluded.\"hash\"",
                    (long)_pendingRootDelta));
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or PostgresException)
        {
            throw _session.Failure("write", exception);
        }

        _newRows.ExceptWith(_pending.Keys); // In the tables now.
        _pending.Clear();
        _pendingRootDelta = 0;
    }

    /// <summary>
    /// The rows whose cells the unit wrote: an existing row keeps its untouched columns and its
    /// absent mask loses the touched bits (then gains those written absent), a new row is inserted
    /// with every untouched column absent; rows left with nothing are deleted.
    /// </summary>
    private void AddDataUpsert(NpgsqlBatch batch, List<KeyValuePair<string, PendingRow>> pending)
    {
        var rows = pending.Where(row => row.Value.Touched != 0).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var absentBits = rows.Select(row => AbsentBits(row.Value)).ToArray();
        var columns = _columns.Select((column, bit) => (column.Array([.. rows.Select(row => ((row.Value.Touched >> bit) & 1) == 1 ? row.Value.Atoms[bit] : Atom.Absent)]), column.ArrayCast));
        batch.BatchCommands.Add(Upsert(_table, rows.Select(row => row.Key), rows.Select(row => row.Value.Touched), absentBits, columns));
        if (rows.Where((_, i) => absentBits[i] != 0).Select(row => row.Key).ToArray() is { Length: > 0 } emptied)
        {
            batch.BatchCommands.Add(Statement($"DELETE FROM {_table} WHERE {_key} = ANY($1) AND \"absent\" = {_allMask}", [TextArray(emptied)]));
        }
    }

    /// <summary>The rows whose timestamps the unit wrote, the same way (a timestamp is never removed, and there is no mask).</summary>
    private void AddMetaUpsert(NpgsqlBatch batch, List<KeyValuePair<string, PendingRow>> pending)
    {
        var rows = pending.Where(row => row.Value.MetaTouched != 0).ToList();
        if (rows.Count > 0)
        {
            var columns = _columns.Select((_, bit) => (TextArray(rows.Select(row => row.Value.Timestamps[bit]).ToArray()), "::text[]"));
            batch.BatchCommands.Add(Upsert(_meta, rows.Select(row => row.Key), rows.Select(row => row.Value.MetaTouched), absentBits: null, columns));
        }
    }

    /// <summary>
    /// One statement for a batch of rows, each column's values one array: the rows that exist get
    /// their touched columns (and, with <paramref name="absentBits"/>, their absent mask), the
    /// others are inserted. An UPDATE and an INSERT in one statement rather than INSERT ... ON
    /// CONFLICT, whose <c>excluded</c> row could not carry which columns a row touched.
    /// </summary>
    private NpgsqlBatchCommand Upsert(string table, IEnumerable<string> keys, IEnumerable<long> touched, long[]? absentBits, IEnumerable<(NpgsqlParameter Values, string Cast)> columns)
    {
        List<NpgsqlParameter> parameters = [TextArray([.. keys]), BigintArray([.. touched])];
        if (absentBits is not null)
        {
            parameters.Add(BigintArray(absentBits));
        }

        var first = parameters.Count + 1;
        var casts = new List<string>();
        foreach (var (array, cast) in columns)
        {
            casts.Add($"${first + casts.Count}{cast}");
            parameters.Add(array);
        }

        var names = string.Join(", ", _columns.Select((_, bit) => "v" + bit));
        var keep = string.Join(", ", _columns.Select((column, bit) => $"{PostgreSqlSchema.Quote(column.Id)} = CASE WHEN (v.touched >> {bit}) & 1 = 1 THEN v.v{bit} ELSE t.{PostgreSqlSchema.Quote(column.Id)} END"));
        var quoted = string.Join(", ", _columns.Select(column => PostgreSqlSchema.Quote(column.Id)));
        var values = string.Join(", ", _columns.Select((_, bit) => "v.v" + bit));
        var (arrays, mask) = absentBits is null ? ("$1::text[], $2::bigint[]", "touched") : ("$1::text[], $2::bigint[], $3::bigint[]", "touched, absent_bits");
        var (setAbsent, insertColumns, insertValues) = absentBits is null
            ? (string.Empty, quoted, values)
            : (", \"absent\" = (t.\"absent\" & ~v.touched) | v.absent_bits", quoted + ", \"absent\"", values + $", ({_allMask} & ~v.touched) | v.absent_bits");
        return Statement(
            $"WITH v AS (SELECT * FROM unnest({arrays}, {string.Join(", ", casts)}) AS v(k, {mask}, {names})), " +
            $"updated AS (UPDATE {table} t SET {keep}{setAbsent} FROM v WHERE t.{_key} = v.k RETURNING t.{_key}) " +
            $"INSERT INTO {table} ({_key}, {insertColumns}) SELECT v.k, {insertValues} FROM v WHERE v.k NOT IN (SELECT {_key} FROM updated)",
            parameters);
    }

    /// <summary>The touched columns written absent (deleted).</summary>
    private long AbsentBits(PendingRow row)
    {
        var bits = 0L;
        for (var bit = 0; bit < _columns.Length; bit++)
        {
            bits |= ((row.Touched >> bit) & 1) == 1 && row.Atoms[bit].IsAbsent ? 1L << bit : 0;
        }

        return bits;
    }

    private static NpgsqlBatchCommand Statement(string sql, IEnumerable<NpgsqlParameter> parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static NpgsqlParameter TextArray(string?[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values };

    private static NpgsqlParameter BigintArray(long[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = values };
}
