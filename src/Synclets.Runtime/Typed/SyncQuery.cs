using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Synclets.Connectors;

namespace Synclets;

/// <summary>
/// A query on a typed table: conditions, order and a page, run by the store where it can (a typed
/// SQLite table runs it as SQL, on its indexes) and in memory otherwise, with the same rows in the
/// same order. Immutable: each method returns a new query.
/// </summary>
/// <typeparam name="TRow">The row record type.</typeparam>
/// <example>
/// <code>
/// var open = todos.Query()
///     .Where(TodoColumns.Done.EqualTo(false))
///     .OrderBy(TodoColumns.Due)
///     .Take(20);
/// foreach (var todo in await open.ToListAsync()) { ... }
/// </code>
/// </example>
public sealed class SyncQuery<TRow>
    where TRow : ISyncRow<TRow>
{
    private readonly SyncTable<TRow> _table;

    internal SyncQuery(SyncTable<TRow> table, RowQuery query)
    {
        _table = table;
        Description = query;
    }

    /// <summary>The query as the stores run it.</summary>
    public RowQuery Description { get; }

    /// <summary>Only the rows that also meet <paramref name="condition"/>.</summary>
    public SyncQuery<TRow> Where(SyncCondition<TRow> condition) =>
        With(Description with { Filters = [.. Description.Filters, condition.Filter] });

    /// <summary>Ordered by <paramref name="column"/>, least first (nulls first), instead of any order before.</summary>
    public SyncQuery<TRow> OrderBy<TValue>(SyncColumn<TRow, TValue> column) => Ordered(column, descending: false, then: false);

    /// <summary>Ordered by <paramref name="column"/>, greatest first (nulls last), instead of any order before.</summary>
    public SyncQuery<TRow> OrderByDescending<TValue>(SyncColumn<TRow, TValue> column) => Ordered(column, descending: true, then: false);

    /// <summary>Rows the order so far ties are ordered by <paramref name="column"/>, least first.</summary>
    public SyncQuery<TRow> ThenBy<TValue>(SyncColumn<TRow, TValue> column) => Ordered(column, descending: false, then: true);

    /// <summary>Rows the order so far ties are ordered by <paramref name="column"/>, greatest first.</summary>
    public SyncQuery<TRow> ThenByDescending<TValue>(SyncColumn<TRow, TValue> column) => Ordered(column, descending: true, then: true);

    /// <summary>Leaves out the first <paramref name="count"/> rows (after those already skipped).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public SyncQuery<TRow> Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var take = Description.Take is { } limit ? Math.Max(0, limit - count) : (int?)null;
        return With(Description with { Skip = Description.Skip + count, Take = take });
    }

    /// <summary>At most <paramref name="count"/> rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public SyncQuery<TRow> Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return With(Description with { Take = Description.Take is { } limit ? Math.Min(limit, count) : count });
    }

    /// <summary>The rows, read in one piece of work.</summary>
    /// <exception cref="FormatException">A cell holds a value the record cannot take; the message names the column.</exception>
    public async Task<IReadOnlyList<TRow>> ToListAsync(CancellationToken cancellationToken = default) =>
        await _table.RunQueryAsync(Description, cancellationToken).ConfigureAwait(false);

    /// <summary>The first row, or default when none matches.</summary>
    public async Task<TRow?> FirstOrDefaultAsync(CancellationToken cancellationToken = default) =>
        (await Take(1).ToListAsync(cancellationToken).ConfigureAwait(false)) is [var first] ? first : default;

    /// <summary>
    /// The rows now, and again each time a change to the table (local or from a peer) changes them,
    /// until cancelled. Changes that arrive while the query runs are folded into one rerun.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<TRow>> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // One pending signal is enough: a rerun reads everything that changed before it.
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        void OnChanged(object? sender, IReadOnlyCollection<string> rowIds) => changed.Writer.TryWrite(true);

        _table.Changed += OnChanged; // Before the first read, so no change falls between.
        try
        {
            IReadOnlyList<TRow>? last = null;
            while (true)
            {
                var rows = await ToListAsync(cancellationToken).ConfigureAwait(false);
                if (last is null || !rows.SequenceEqual(last))
                {
                    last = rows;
                    yield return rows;
                }

                await changed.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _table.Changed -= OnChanged;
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var filters = Description.Filters.Select(f => $"{f.ColumnId} {f.Comparison} {f.Value}");
        var order = Description.Order.Select(o => o.ColumnId + (o.Descending ? " descending" : string.Empty));
        return $"{typeof(TRow).Name} where [{string.Join(", ", filters)}] order by [{string.Join(", ", order)}] skip {Description.Skip} take {Description.Take?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all"}";
    }

    private SyncQuery<TRow> Ordered<TValue>(SyncColumn<TRow, TValue> column, bool descending, bool then)
    {
        ArgumentNullException.ThrowIfNull(column);
        var key = new RowOrder(column.Id, descending);
        return With(Description with { Order = then ? [.. Description.Order, key] : [key] });
    }

    private SyncQuery<TRow> With(RowQuery query) => new(_table, query);
}
