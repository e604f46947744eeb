using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Synclets;

/// <summary>One row that changed: its id, and the row as it is now (default when it was deleted).</summary>
/// <typeparam name="TRow">The row record type.</typeparam>
/// <param name="RowId">The row's id.</param>
/// <param name="Row">The row now, or default when it no longer exists.</param>
public readonly record struct RowChange<TRow>(string RowId, TRow? Row);

/// <summary>
/// A typed table over a synclet: rows are records, cells are atoms at <c>[..prefix, rowId, column]</c>.
/// Writes only the cells that changed, so two peers editing different fields of one row both keep
/// their edit. Used as the whole tree (depth 2) or as one table of a container (depth 3).
/// </summary>
/// <typeparam name="TRow">A <c>[SyncTree(depth: 2)]</c> record.</typeparam>
public class SyncTable<TRow>
    where TRow : ISyncRow<TRow>
{
    private readonly string[] _prefix;
    private EventHandler<IReadOnlyCollection<string>>? _changed;

    /// <summary>Opens the table at <paramref name="prefix"/> (empty for a depth-2 tree, the table id in a depth-3 one).</summary>
    /// <exception cref="ArgumentException">The synclet's depth is not the prefix's length plus two.</exception>
    public SyncTable(Synclet synclet, IReadOnlyList<string> prefix)
    {
        ArgumentNullException.ThrowIfNull(synclet);
        ArgumentNullException.ThrowIfNull(prefix);
        if (synclet.Depth != prefix.Count + 2)
        {
            throw new ArgumentException($"A table of {typeof(TRow).Name} rows at [{string.Join(", ", prefix)}] needs a synclet of depth {prefix.Count + 2}, not {synclet.Depth}.", nameof(synclet));
        }

        Synclet = synclet;
        _prefix = [.. prefix];
    }

    /// <summary>The synclet that syncs this table.</summary>
    public Synclet Synclet { get; }

    /// <summary>Raised with the ids of rows that changed, locally or by a peer, on the synclet's work loop.</summary>
    public event EventHandler<IReadOnlyCollection<string>>? Changed
    {
        add
        {
            if (_changed is null)
            {
                Synclet.AtomsChanged += OnAtomsChanged;
            }

            _changed += value;
        }

        remove
        {
            _changed -= value;
            if (_changed is null)
            {
                Synclet.AtomsChanged -= OnAtomsChanged;
            }
        }
    }

    /// <summary>The row with this id, or default when there is none.</summary>
    /// <exception cref="FormatException">A cell holds a value the record cannot take; the message names the column.</exception>
    public async Task<TRow?> GetAsync(string rowId, CancellationToken cancellationToken = default)
    {
        var cells = await Synclet.GetAtomsAsync(RowAddress(rowId), cancellationToken).ConfigureAwait(false);
        return cells.Count == 0 ? default : TRow.FromCells(rowId, cells);
    }

    /// <summary>Every row, in ordinal order of id, read in one piece of work (one query where the store reads rows, see <see cref="Connectors.IRowReader"/>).</summary>
    /// <exception cref="FormatException">A cell holds a value the record cannot take; the message names the column.</exception>
    public async Task<IReadOnlyList<TRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rows = await Synclet.ReadRowsAsync(_prefix, TRow.FromCells, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.Value);
    }

    /// <summary>A query on the table: every row until conditions, an order or a page narrow it (see <see cref="SyncQuery{TRow}"/>).</summary>
    public SyncQuery<TRow> Query() => new(this, Connectors.RowQuery.All);

    /// <summary>Inserts the row, or writes the cells that differ from the stored row, reading and writing in one piece of work.</summary>
    /// <returns>How many cells were written.</returns>
    public Task<int> UpsertAsync(TRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return UpsertManyAsync([row], cancellationToken);
    }

    /// <summary>
    /// Inserts or updates many rows in one unit of work: one transaction, and the changed cells of
    /// every row in as few messages as they fill. Writes only the cells that differ from the stored rows.
    /// </summary>
    /// <returns>How many cells were written.</returns>
    /// <exception cref="ArgumentException">Two of the rows have the same key.</exception>
    public Task<int> UpsertManyAsync(IEnumerable<TRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var byId = new Dictionary<string, TRow>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            ArgumentNullException.ThrowIfNull(row, nameof(rows));
            if (!byId.TryAdd(TRow.GetRowId(row), row))
            {
                throw new ArgumentException($"Two rows have the key '{TRow.GetRowId(row)}': upsert each row once.", nameof(rows));
            }
        }

        return Synclet.UpdateRowsAsync(_prefix, byId.Keys, (rowId, stored, changes) =>
            TRow.AddChangedCells(stored.Count == 0 ? default : TRow.FromCells(rowId, stored), byId[rowId], changes), cancellationToken);
    }

    /// <summary>Deletes the row: every cell becomes a tombstone, so the deletion syncs.</summary>
    /// <returns>False when there was no such row.</returns>
    public async Task<bool> DeleteAsync(string rowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rowId);
        return await DeleteManyAsync([rowId], cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Deletes many rows in one unit of work; ids with no row are skipped.</summary>
    /// <returns>How many rows were deleted.</returns>
    public async Task<int> DeleteManyAsync(IEnumerable<string> rowIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rowIds);
        var deleted = 0;
        await Synclet.UpdateRowsAsync(_prefix, rowIds.Distinct(StringComparer.Ordinal), (_, stored, changes) =>
        {
            if (stored.Count > 0)
            {
                deleted++;
            }

            foreach (var column in stored.Keys)
            {
                changes.Add(KeyValuePair.Create(column, Atom.Absent));
            }
        }, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>The rows as they change, until cancelled.</summary>
    public async IAsyncEnumerable<RowChange<TRow>> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var changedIds = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        void OnChanged(object? sender, IReadOnlyCollection<string> rowIds)
        {
            foreach (var rowId in rowIds)
            {
                changedIds.Writer.TryWrite(rowId);
            }
        }

        Changed += OnChanged;
        try
        {
            await foreach (var rowId in changedIds.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new RowChange<TRow>(rowId, await GetAsync(rowId, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            Changed -= OnChanged;
        }
    }

    internal Task<List<TRow>> RunQueryAsync(Connectors.RowQuery query, CancellationToken cancellationToken) =>
        Synclet.QueryRowsAsync(_prefix, query, TRow.FromCells, cancellationToken);

    private string[] RowAddress(string rowId)
    {
        ArgumentNullException.ThrowIfNull(rowId);
        return [.. _prefix, rowId];
    }

    private void OnAtomsChanged(object? sender, AtomsChangedEventArgs e)
    {
        HashSet<string>? rowIds = null;
        foreach (var change in e.Changes)
        {
            if (change.Address.Count == _prefix.Length + 2 && StartsWithPrefix(change.Address))
            {
                (rowIds ??= new HashSet<string>(StringComparer.Ordinal)).Add(change.Address[_prefix.Length]);
            }
        }

        if (rowIds is not null)
        {
            _changed?.Invoke(this, rowIds);
        }
    }

    private bool StartsWithPrefix(IReadOnlyList<string> address)
    {
        for (var i = 0; i < _prefix.Length; i++)
        {
            if (!string.Equals(address[i], _prefix[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
