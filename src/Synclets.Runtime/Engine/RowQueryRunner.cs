using Synclets.Connectors;

namespace Synclets;

/// <summary>
/// Runs a <see cref="RowQuery"/> in memory over rows already read, for every store that cannot run
/// one itself (see <see cref="IRowQueryReader"/>). Compares cells exactly as SQLite does, so a
/// memory store and a typed SQLite table answer one query with the same rows in the same order.
/// </summary>
internal static class RowQueryRunner
{
    /// <summary>Refuses a query no store could run, naming what is wrong.</summary>
    public static void Validate(RowQuery query, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(query, parameterName);
        if (query.Skip < 0 || query.Take < 0)
        {
            throw new ArgumentException($"A query skips and takes zero rows or more, not Skip = {query.Skip}, Take = {query.Take}.", parameterName);
        }

        foreach (var filter in query.Filters)
        {
            if (filter.ColumnId is null || filter.Value.IsAbsent || !Enum.IsDefined(filter.Comparison))
            {
                throw new ArgumentException($"The filter {filter} needs a column, a comparison and a value (Atom.Null for null, never absent).", parameterName);
            }
        }

        if (query.Order.Any(order => order.ColumnId is null))
        {
            throw new ArgumentException("Each ordering key of a query needs a column.", parameterName);
        }
    }

    /// <summary>
    /// Runs <paramref name="query"/> over the rows <paramref name="readRows"/> visits, and visits
    /// the page it selects in order: the rows that meet the filters are kept (copied when
    /// <paramref name="copyCells"/>, as a visitor's cells may be reused), ordered, then paged.
    /// </summary>
    public static async ValueTask VisitAsync(Func<RowVisitor, ValueTask> readRows, RowQuery query, bool copyCells, RowVisitor onRow)
    {
        var rows = new List<KeyValuePair<string, IReadOnlyDictionary<string, Atom>>>();
        await readRows((rowId, cells) =>
        {
            if (Matches(cells, query.Filters))
            {
                rows.Add(KeyValuePair.Create(rowId, copyCells ? new Dictionary<string, Atom>(cells, StringComparer.Ordinal) : cells));
            }
        }).ConfigureAwait(false);
        foreach (var row in Run(rows, query))
        {
            onRow(row.Key, row.Value);
        }
    }

    /// <summary>The page of <paramref name="rows"/> (each meeting the query's filters) that <paramref name="query"/> selects, in its order.</summary>
    public static IEnumerable<KeyValuePair<string, IReadOnlyDictionary<string, Atom>>> Run(List<KeyValuePair<string, IReadOnlyDictionary<string, Atom>>> rows, RowQuery query)
    {
        // Each row's ordering cells read once, not once a comparison: a sort compares a row some
        // log2(n) times, and every read is a dictionary lookup.
        var order = query.Order;
        var keys = new Atom[rows.Count * order.Count];
        for (var row = 0; row < rows.Count; row++)
        {
            for (var key = 0; key < order.Count; key++)
            {
                keys[(row * order.Count) + key] = Cell(rows[row].Value, order[key].ColumnId);
            }
        }

        int Compare(int left, int right)
        {
            for (var key = 0; key < order.Count; key++)
            {
                var compared = CompareCells(keys[(left * order.Count) + key], keys[(right * order.Count) + key]);
                if (compared != 0)
                {
                    return order[key].Descending ? -compared : compared;
                }
            }

            return CompareByCodePoint(rows[left].Key, rows[right].Key);
        }

        var sorted = query.Take is { } limit && (long)query.Skip + limit < rows.Count / 8
            ? FirstInOrder(rows.Count, query.Skip + limit, Compare)
            : SortAll(rows.Count, Compare);
        var end = query.Take is { } take ? Math.Min(sorted.Length, (long)query.Skip + take) : sorted.Length;
        for (var i = query.Skip; i < end; i++)
        {
            yield return rows[sorted[i]];
        }
    }

    /// <summary>The indexes 0 to <paramref name="count"/> - 1, sorted.</summary>
    private static int[] SortAll(int count, Comparison<int> compare)
    {
        var sorted = new int[count];
        for (var i = 0; i < count; i++)
        {
            sorted[i] = i;
        }

        Array.Sort(sorted, compare);
        return sorted;
    }

    /// <summary>
    /// The first <paramref name="wanted"/> of the indexes 0 to <paramref name="count"/> - 1 in
    /// order, kept in a heap whose top is the worst kept: a page of a large table costs a pass over
    /// it, not a sort of it.
    /// </summary>
    private static int[] FirstInOrder(int count, int wanted, Comparison<int> compare)
    {
        var worstFirst = new PriorityQueue<int, int>(wanted + 1, Comparer<int>.Create((left, right) => compare(right, left)));
        for (var i = 0; i < count; i++)
        {
            if (worstFirst.Count < wanted)
            {
                worstFirst.Enqueue(i, i);
            }
            else if (wanted > 0 && compare(i, worstFirst.Peek()) < 0)
            {
                worstFirst.DequeueEnqueue(i, i);
            }
        }

        var first = new int[worstFirst.Count];
        for (var i = first.Length - 1; i >= 0; i--)
        {
            first[i] = worstFirst.Dequeue();
        }

        return first;
    }

    /// <summary>Whether a row's cells meet every filter (a missing cell is null).</summary>
    public static bool Matches(IReadOnlyDictionary<string, Atom> cells, IReadOnlyList<RowFilter> filters)
    {
        for (var i = 0; i < filters.Count; i++)
        {
            var filter = filters[i];
            var cell = cells.TryGetValue(filter.ColumnId, out var atom) && !atom.IsAbsent ? atom : Atom.Null;
            if (!Meets(cell, filter.Comparison, filter.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>SQLite's order of values: null, then numbers (booleans as 0 and 1), then text by code point.</summary>
    public static int CompareCells(Atom left, Atom right)
    {
        var byRank = Rank(left).CompareTo(Rank(right));
        if (byRank != 0 || Rank(left) == 0)
        {
            return byRank;
        }

        return Rank(left) == 1 ? Number(left).CompareTo(Number(right)) : CompareByCodePoint(left.AsString(), right.AsString());
    }

    /// <summary>
    /// Compares strings as SQLite compares UTF-8 text: by code point. UTF-16's ordinal order differs
    /// only where a surrogate pair (U+10000 and up) meets a character from U+E000 to U+FFFF.
    /// </summary>
    public static int CompareByCodePoint(string left, string right)
    {
        var same = left.AsSpan().CommonPrefixLength(right);
        return same < left.Length && same < right.Length
            ? InCodePointOrder(left[same]).CompareTo(InCodePointOrder(right[same]))
            : left.Length.CompareTo(right.Length);
    }

    private static bool Meets(Atom cell, RowComparison comparison, Atom value)
    {
        var isNull = cell.Kind == AtomKind.Null || value.Kind == AtomKind.Null;
        return comparison switch
        {
            RowComparison.EqualTo => CompareCells(cell, value) == 0,
            RowComparison.NotEqualTo => CompareCells(cell, value) != 0,
            RowComparison.LessThan => !isNull && CompareCells(cell, value) < 0,
            RowComparison.LessThanOrEqualTo => !isNull && CompareCells(cell, value) <= 0,
            RowComparison.GreaterThan => !isNull && CompareCells(cell, value) > 0,
            _ => !isNull && CompareCells(cell, value) >= 0,
        };
    }

    private static Atom Cell(IReadOnlyDictionary<string, Atom> cells, string columnId) =>
        cells.TryGetValue(columnId, out var atom) && !atom.IsAbsent ? atom : Atom.Null;

    private static int Rank(Atom atom) => atom.Kind switch
    {
        AtomKind.Boolean or AtomKind.Number => 1,
        AtomKind.String => 2,
        _ => 0,
    };

    private static double Number(Atom atom) => atom.Kind == AtomKind.Boolean ? (atom.AsBoolean() ? 1 : 0) : atom.AsNumber();

    private static int InCodePointOrder(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
