namespace Synclets.Connectors;

/// <summary>How a <see cref="RowFilter"/> compares a cell with its value.</summary>
public enum RowComparison
{
    /// <summary>The cell equals the value; a null value matches null cells (and cells never written).</summary>
    EqualTo,

    /// <summary>The cell differs from the value; a null value matches every cell holding a value.</summary>
    NotEqualTo,

    /// <summary>The cell orders before the value (never true of a null on either side).</summary>
    LessThan,

    /// <summary>The cell orders before the value or equals it (never true of a null on either side).</summary>
    LessThanOrEqualTo,

    /// <summary>The cell orders after the value (never true of a null on either side).</summary>
    GreaterThan,

    /// <summary>The cell orders after the value or equals it (never true of a null on either side).</summary>
    GreaterThanOrEqualTo,
}

/// <summary>One condition a row must meet: its cell <paramref name="ColumnId"/> compared with <paramref name="Value"/>.</summary>
/// <param name="ColumnId">The column (the atom id within the row).</param>
/// <param name="Comparison">How the cell is compared.</param>
/// <param name="Value">The value compared with (not absent; <see cref="Atom.Null"/> for null).</param>
public readonly record struct RowFilter(string ColumnId, RowComparison Comparison, Atom Value);

/// <summary>One key the rows are ordered by.</summary>
/// <param name="ColumnId">The column (the atom id within the row).</param>
/// <param name="Descending">Greatest first when true.</param>
public readonly record struct RowOrder(string ColumnId, bool Descending);

/// <summary>
/// Which rows of a table to read and in what order: every filter met, ordered by each key in turn
/// and then by row id, after skipping <see cref="Skip"/> rows at most <see cref="Take"/> of them.
/// </summary>
/// <remarks>
/// Cells compare as SQLite compares values, so every store answers alike: null (and a cell never
/// written or deleted) before any number or boolean (false as 0, true as 1), numbers before
/// text, text by Unicode code point. In ascending order nulls come first, in descending order last.
/// </remarks>
public sealed record RowQuery
{
    /// <summary>Every row, in order of row id.</summary>
    public static RowQuery All { get; } = new();

    /// <summary>The conditions every row read meets.</summary>
    public IReadOnlyList<RowFilter> Filters { get; init; } = [];

    /// <summary>The keys the rows are ordered by, before their ids.</summary>
    public IReadOnlyList<RowOrder> Order { get; init; } = [];

    /// <summary>How many of the ordered rows to leave out first.</summary>
    public int Skip { get; init; }

    /// <summary>How many rows at most to read, or null for all of them.</summary>
    public int? Take { get; init; }
}
