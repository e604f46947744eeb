using Synclets.Connectors;

namespace Synclets;

/// <summary>
/// One column of a table of <typeparamref name="TRow"/> records, typed as its property: the
/// generator writes one per property (in <c>{Record}Columns</c>), to filter and order a
/// <see cref="SyncQuery{TRow}"/> with values of the property's own type.
/// </summary>
/// <typeparam name="TRow">The row record type.</typeparam>
/// <typeparam name="TValue">The property's type.</typeparam>
/// <param name="id">The column id (as synced).</param>
/// <param name="toAtom">Writes a value as the atom the column holds (the same conversion the record's cells use).</param>
public sealed class SyncColumn<TRow, TValue>(string id, Func<TValue, Atom> toAtom)
    where TRow : ISyncRow<TRow>
{
    private readonly Func<TValue, Atom> _toAtom = toAtom ?? throw new ArgumentNullException(nameof(toAtom));

    /// <summary>The column id.</summary>
    public string Id { get; } = id ?? throw new ArgumentNullException(nameof(id));

    /// <summary>Rows whose cell equals <paramref name="value"/> (null matches null cells and cells never written).</summary>
    public SyncCondition<TRow> EqualTo(TValue value) => Compare(RowComparison.EqualTo, value);

    /// <summary>Rows whose cell differs from <paramref name="value"/>.</summary>
    public SyncCondition<TRow> NotEqualTo(TValue value) => Compare(RowComparison.NotEqualTo, value);

    /// <summary>Rows whose cell orders before <paramref name="value"/>.</summary>
    public SyncCondition<TRow> LessThan(TValue value) => Compare(RowComparison.LessThan, value);

    /// <summary>Rows whose cell orders before <paramref name="value"/> or equals it.</summary>
    public SyncCondition<TRow> LessThanOrEqualTo(TValue value) => Compare(RowComparison.LessThanOrEqualTo, value);

    /// <summary>Rows whose cell orders after <paramref name="value"/>.</summary>
    public SyncCondition<TRow> GreaterThan(TValue value) => Compare(RowComparison.GreaterThan, value);

    /// <summary>Rows whose cell orders after <paramref name="value"/> or equals it.</summary>
    public SyncCondition<TRow> GreaterThanOrEqualTo(TValue value) => Compare(RowComparison.GreaterThanOrEqualTo, value);

    /// <inheritdoc/>
    public override string ToString() => Id;

    private SyncCondition<TRow> Compare(RowComparison comparison, TValue value) => new(new RowFilter(Id, comparison, _toAtom(value)));
}

/// <summary>A condition on the rows of a table of <typeparamref name="TRow"/>, made by a <see cref="SyncColumn{TRow, TValue}"/>.</summary>
/// <typeparam name="TRow">The row record type (so a condition on one table cannot filter another).</typeparam>
/// <param name="Filter">The condition as the stores run it.</param>
public readonly record struct SyncCondition<TRow>(RowFilter Filter)
    where TRow : ISyncRow<TRow>;
