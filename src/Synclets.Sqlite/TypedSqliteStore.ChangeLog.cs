using System.Runtime.CompilerServices;
using Synclets.Connectors;

namespace Synclets.Sqlite;

// The change log (see IChangeLog), numbered by row: the meta table's "seq" column holds the
// number of the unit of work's flush that last wrote the row (indexed), so what changed after a
// number is one range scan, and a changed row is fed whole. The epoch, floor and checkpoints are
// rows of the hash table (SqliteChangeLogState).
public sealed partial class TypedSqliteStore<TRow> : IChangeLog
    where TRow : ISyncSqlRow<TRow>
{
    private SqliteChangeLogState _log = null!;
    private long _lastSequence;

    /// <inheritdoc/>
    public string Epoch => _log.Epoch;

    /// <inheritdoc/>
    public long LastSequence => _lastSequence;

    /// <inheritdoc/>
    public long Floor => _log.Floor;

    /// <inheritdoc/>
    public ValueTask StartNewEpochAsync(CancellationToken cancellationToken = default)
    {
        _log.StartNewEpoch(_lastSequence);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>One range scan of the meta table's sequence index, joined with the rows; SQLite reads synchronously.</remarks>
    public async IAsyncEnumerable<LoggedAtom> ReadChangesAsync(long after, IDataConnector data, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        FlushRows();
        var select = string.Join(", ", _columns.Select(c => "m." + SqliteSchema.Quote(c)).Concat(_columns.Select(c => "d." + SqliteSchema.Quote(c))));
        using var rows = new RawStatement(_connection, $"SELECT m.{_key}, {select}, d.\"absent\", m.\"seq\" FROM {_meta} m LEFT JOIN {_table} d ON d.{_key} = m.{_key} WHERE m.\"seq\" > @after ORDER BY m.\"seq\"", "@after");
        rows.BindInt64(0, after);
        var sequenceAt = 2 + (2 * _columns.Length); // After the absent mask.
        foreach (var (address, timestamp, atom) in JoinedCells(rows, cancellationToken))
        {
            yield return new LoggedAtom(address, timestamp, atom, rows.GetInt64(sequenceAt));
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<long> CountChangesAsync(long after, CancellationToken cancellationToken = default)
    {
        FlushRows();
        var cells = string.Join(" + ", _columns.Select(c => $"({SqliteSchema.Quote(c)} IS NOT NULL)"));
        return ValueTask.FromResult(_connection.ReadInteger($"SELECT coalesce(sum({cells}), 0) FROM {_meta} WHERE \"seq\" > {after}", _unit.Transaction) ?? 0);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, long>> GetCheckpointsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_log.Checkpoints);

    /// <inheritdoc/>
    public ValueTask SetCheckpointAsync(string epoch, long sequence, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(epoch);
        _log.SetCheckpoint(epoch, sequence);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask ClearCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        _log.ClearCheckpoints();
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads the log's state at open (a store written before logs were kept gets its rows numbered once).</summary>
    private void OpenChangeLog()
    {
        _log = new SqliteChangeLogState(_connection, _hashes, _unit);
        _log.Load();
        _lastSequence = _connection.ReadInteger($"SELECT max(\"seq\") FROM {_meta}") ?? 0;
    }

    /// <summary>The next number, for a row about to be written.</summary>
    private long NextSequence() => ++_lastSequence;
}
