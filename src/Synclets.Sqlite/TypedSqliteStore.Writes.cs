using Microsoft.Data.Sqlite;

namespace Synclets.Sqlite;

// Writing the typed tables: cells and timestamps buffered per row, written as one upsert per table within the unit of work's transaction.
public sealed partial class TypedSqliteStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <inheritdoc/>
    public ValueTask SetAtomAsync(IReadOnlyList<string> address, Atom atom, CancellationToken cancellationToken = default)
    {
        var (bit, _) = Column(address[1]);
        if (WhyNotStorable(address, atom) is { } reason)
        {
            throw new SqliteStoreException(reason);
        }

        var pending = Pending(address[0]);
        pending.Atoms[bit] = atom;
        pending.Touched |= 1L << bit;
        return FlushIfAlone();
    }

    /// <inheritdoc/>
    /// <remarks>A typed column holds atoms of one kind (or null), and no TEXT column half a surrogate pair; an unknown column is refused too.</remarks>
    public string? WhyNotStorable(IReadOnlyList<string> address, Atom atom)
    {
        if (!_columnIndex.TryGetValue(address[1], out var column))
        {
            return $"Table {TRow.SqlTableName} has no column '{address[1]}' (written at [{address[0]}, {address[1]}]). The peer's schema differs from this record's.";
        }

        if (!IsStorableRowId(address[0]))
        {
            return SqliteText.Refused($"The row id '{address[0]}' of table {TRow.SqlTableName}").Message;
        }

        if (!atom.IsAbsent && atom.Kind != AtomKind.Null && atom.Kind != column.Kind)
        {
            return $"Column '{address[1]}' of table {TRow.SqlTableName} holds {column.Kind} atoms, but {atom} was written at [{address[0]}, {address[1]}]. The peer's schema differs from this record's.";
        }

        return atom.Kind == AtomKind.String && Ids.HasUnpairedSurrogate(atom.AsString())
            ? SqliteText.Refused($"The text written at [{address[0]}, {address[1]}] of table {TRow.SqlTableName}").Message
            : null;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAtomAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) =>
        SetAtomAsync(address, Atom.Absent, cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default)
    {
        var (bit, _) = Column(address[1]);
        if (!IsStorableRowId(address[0]))
        {
            throw SqliteText.Refused($"The row id '{address[0]}' of table {TRow.SqlTableName}");
        }

        // The old timestamp, for the root hash (read before the row's buffer is taken, as a read may flush it).
        var row = ReadTimestamps(address[0]);
        var previous = row[bit] ?? Timestamp.None;
        row[bit] = timestamp;

        var pending = Pending(address[0]);
        pending.Timestamps[bit] = timestamp;
        pending.MetaTouched |= 1L << bit;
        _pendingRootDelta ^= Fnv1a.Hash(timestamp) ^ (previous.Length == 0 ? 0 : Fnv1a.Hash(previous));
        return FlushIfAlone();
    }

    /// <inheritdoc/>
    public ValueTask BeginWritesAsync(CancellationToken cancellationToken = default)
    {
        _unit.Begin();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask CommitWritesAsync(CancellationToken cancellationToken = default)
    {
        // The buffered rows are written while the unit still counts, so into its one transaction.
        if (await _unit.CommitAsync(beforeCommit: Flush, onRollback: () => { ForgetUnit(); _log.RolledBack(); }).ConfigureAwait(false))
        {
            _knownTimestamps.Clear();
            _log.Committed();
        }
    }

    /// <inheritdoc/>
    public async ValueTask RollbackWritesAsync(CancellationToken cancellationToken = default)
    {
        ForgetUnit();
        await _unit.RollbackAsync().ConfigureAwait(false);
        _log.RolledBack();
    }

    /// <summary>What this store buffered or read for the unit of work, forgotten when it rolls back.</summary>
    private void ForgetUnit()
    {
        ClearPending();
        _pendingRootDelta = 0;
        _knownTimestamps.Clear();
    }

    private (int Bit, AtomKind Kind) Column(string id) =>
        _columnIndex.TryGetValue(id, out var column)
            ? column
            : throw new SqliteStoreException($"Table {TRow.SqlTableName} has no column '{id}': the record has no such property. A peer with a newer record may have added it; update this app.");

    /// <summary>
    /// False when the row id holds half a surrogate pair (SQLite's UTF-8 text cannot keep it).
    /// The engine writes a row's cells one after another under the same id string, so the last id
    /// that passed is remembered and not scanned again for each cell and timestamp.
    /// </summary>
    private bool IsStorableRowId(string rowId)
    {
        if (ReferenceEquals(rowId, _lastStorableRowId))
        {
            return true;
        }

        if (Ids.HasUnpairedSurrogate(rowId))
        {
            return false;
        }

        _lastStorableRowId = rowId;
        return true;
    }

    /// <summary>The buffer of a row written in this unit of work; the last one is kept at hand, as a row's cells come one after another.</summary>
    private PendingRow Pending(string rowId)
    {
        if (_lastPending is { } last && string.Equals(last.RowId, rowId, StringComparison.Ordinal))
        {
            return last.Row;
        }

        if (!_pending.TryGetValue(rowId, out var pending))
        {
            pending = _spareRows.TryPop(out var spare) ? spare : new PendingRow(_columns.Length);
            _pending[rowId] = pending;
        }

        _lastPending = (rowId, pending);
        return pending;
    }

    /// <summary>Empties the buffered rows (written, or forgotten on rollback).</summary>
    private void ClearPending()
    {
        _pending.Clear();
        _lastPending = null;
    }

    private ValueTask FlushIfAlone()
    {
        if (!_unit.IsOpen)
        {
            Flush(); // A write outside a unit of work stands alone.
            _knownTimestamps.Clear();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the buffered rows and the root hash's change (before the root hash is read, and at commit).</summary>
    private void Flush()
    {
        FlushRows();
        if (_pendingRootDelta == 0)
        {
            return;
        }

        Write(() => _xorHash.Run("[]", (long)_pendingRootDelta));
        _pendingRootDelta = 0;
    }

    /// <summary>Writes the buffered rows: one upsert per row and table.</summary>
    private void FlushRows()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        // Bound value by value, typed: no boxing, no array per row (parameters as the statements list them).
        Write(() =>
        {
            var data = _upsertData;
            var meta = _upsertMeta;
            foreach (var (rowId, row) in _pending)
            {
                if (row.Touched != 0)
                {
                    var absentBits = 0L;
                    for (var i = 0; i < _columns.Length; i++)
                    {
                        var atom = row.Atoms[i];
                        absentBits |= ((row.Touched >> i) & 1) == 1 && atom.IsAbsent ? 1L << i : 0;
                        BindAtom(data, 4 + i, atom);
                    }

                    data.BindText(0, rowId);
                    data.BindInt64(1, row.Touched);
                    data.BindInt64(2, (_allMask & ~row.Touched) | absentBits);
                    data.BindInt64(3, absentBits);
                    data.Step();
                    if (absentBits != 0)
                    {
                        _deleteIfEmpty.Run(rowId, _allMask);
                    }
                }

                if (row.MetaTouched != 0)
                {
                    meta.BindText(0, rowId);
                    meta.BindInt64(1, row.MetaTouched);
                    for (var i = 0; i < _columns.Length; i++)
                    {
                        meta.BindText(2 + i, row.Timestamps[i]);
                    }

                    meta.BindInt64(2 + _columns.Length, NextSequence());
                    meta.Step();
                }
            }
        });

        // A received batch buffers a few hundred rows per message, every message: reuse their buffers.
        foreach (var row in _pending.Values)
        {
            if (_spareRows.Count < MaxSpareRows)
            {
                row.Clear();
                _spareRows.Push(row);
            }
        }

        ClearPending();
    }

    private void Write(Action write) => _unit.Write(write);

    private static void BindAtom(RawStatement statement, int parameter, Atom atom)
    {
        switch (atom.Kind)
        {
            case AtomKind.String:
                statement.BindText(parameter, atom.AsString());
                break;
            case AtomKind.Boolean:
                statement.BindInt64(parameter, atom.AsBoolean() ? 1 : 0);
                break;
            case AtomKind.Number:
                statement.BindDouble(parameter, atom.AsNumber());
                break;
            default:
                statement.BindText(parameter, null); // Null, and absent (the mask says which).
                break;
        }
    }

    /// <summary>The cells and timestamps of one row written in this unit of work, not yet in the database.</summary>
    private sealed class PendingRow(int columns)
    {
        public Atom[] Atoms { get; } = new Atom[columns];

        public string?[] Timestamps { get; } = new string?[columns];

        public long Touched { get; set; }

        public long MetaTouched { get; set; }

        public void Clear()
        {
            Array.Clear(Atoms);
            Array.Clear(Timestamps);
            Touched = 0;
            MetaTouched = 0;
        }
    }
}
