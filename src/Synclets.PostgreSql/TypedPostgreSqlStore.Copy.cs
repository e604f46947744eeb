using Npgsql;
using NpgsqlTypes;

namespace Synclets.PostgreSql;

// Rows new to the tables go in by binary COPY, PostgreSQL's fastest way in: an initial sync
// writes nothing but new rows, and an INSERT of a few hundred rows costs about four times a COPY.
public sealed partial class TypedPostgreSqlStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <summary>
    /// Copies the new rows (<see cref="_newRows"/>: read in this unit and found in neither table)
    /// into both tables, under a savepoint: a row that exists after all (another program wrote it
    /// since) fails the COPY with a unique violation, which is rolled back to the savepoint, and
    /// the caller writes those rows the general way. True when they were copied.
    /// </summary>
    private async ValueTask<bool> TryCopyNewRowsAsync(List<KeyValuePair<string, PendingRow>> rows, CancellationToken cancellationToken)
    {
        await RunAsync(_session, "SAVEPOINT synclets_copy", cancellationToken).ConfigureAwait(false);
        try
        {
            var quoted = string.Join(", ", _columns.Select(column => PostgreSqlSchema.Quote(column.Id)));
            await using (var data = await _session.Connection.BeginBinaryImportAsync($"COPY {_table} ({_key}, {quoted}, \"absent\") FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                foreach (var (rowId, row) in rows)
                {
                    var absent = (_allMask & ~row.Touched) | AbsentBits(row);
                    if (absent == _allMask)
                    {
                        continue; // Only deletions: a new row of nothing is no row.
                    }

                    await data.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await data.WriteAsync(rowId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    for (var bit = 0; bit < _columns.Length; bit++)
                    {
                        await _columns[bit].WriteAsync(data, ((absent >> bit) & 1) == 1 ? Atom.Absent : row.Atoms[bit], cancellationToken).ConfigureAwait(false);
                    }

                    await data.WriteAsync(absent, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }

                await data.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var meta = await _session.Connection.BeginBinaryImportAsync($"COPY {_meta} ({_key}, {quoted}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                foreach (var (rowId, row) in rows.Where(row => row.Value.MetaTouched != 0))
                {
                    await meta.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await meta.WriteAsync(rowId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    for (var bit = 0; bit < _columns.Length; bit++)
                    {
                        if (row.Timestamps[bit] is { } timestamp)
                        {
                            await meta.WriteAsync(timestamp, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await meta.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                await meta.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await RunAsync(_session, "RELEASE SAVEPOINT synclets_copy", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await RunAsync(_session, "ROLLBACK TO SAVEPOINT synclets_copy", cancellationToken).ConfigureAwait(false);
            return false;
        }
    }
}
