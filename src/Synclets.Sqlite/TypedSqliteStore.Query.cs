using System.Globalization;
using System.Text;
using Synclets.Connectors;

namespace Synclets.Sqlite;

// Queries on the typed table: filters, order and page as one SELECT on the typed columns, so
// SQLite's indexes (the record's [SyncIndex] ones) do the work.
public sealed partial class TypedSqliteStore<TRow>
    where TRow : ISyncSqlRow<TRow>
{
    /// <inheritdoc/>
    /// <remarks>
    /// An absent cell is NULL in its column, so it compares as null, as the engine's in-memory
    /// queries treat it. Values bind as parameters, never as SQL text.
    /// </remarks>
    public ValueTask QueryRowsAsync(IReadOnlyList<string> tableAddress, RowQuery query, RowVisitor onRow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(onRow);
        var sql = QuerySql(query);
        FlushRows();
        var parameters = query.Filters.Select((_, i) => FilterParameter(i)).Append("@take").Append("@skip").ToArray();
        using var rows = new RawStatement(_connection, sql, parameters);
        for (var i = 0; i < query.Filters.Count; i++)
        {
            BindAtom(rows, i, query.Filters[i].Value);
        }

        rows.BindInt64(query.Filters.Count, query.Take ?? -1);
        rows.BindInt64(query.Filters.Count + 1, query.Skip);
        VisitRows(rows, onRow, cancellationToken);
        return ValueTask.CompletedTask;
    }

    /// <summary>The SELECT that runs <paramref name="query"/>: a parameter per filter (<c>@p0</c>...), then <c>@take</c> and <c>@skip</c>.</summary>
    /// <exception cref="ArgumentException">The query names a column the table does not have, or compares one with a value of another kind.</exception>
    internal string QuerySql(RowQuery query)
    {
        var sql = new StringBuilder($"SELECT {RowColumns} FROM {_table}");
        for (var i = 0; i < query.Filters.Count; i++)
        {
            var filter = query.Filters[i];
            sql.Append(i == 0 ? " WHERE " : " AND ").Append(QueryableColumn(filter.ColumnId, filter.Value)).Append(Operator(filter.Comparison)).Append(FilterParameter(i));
        }

        sql.Append(" ORDER BY ");
        foreach (var order in query.Order)
        {
            sql.Append(QueryableColumn(order.ColumnId, value: null)).Append(order.Descending ? " DESC, " : ", ");
        }

        return sql.Append(_key).Append(" LIMIT @take OFFSET @skip").ToString();
    }

    private static string FilterParameter(int filter) => "@p" + filter.ToString(CultureInfo.InvariantCulture);

    /// <summary>The quoted column a query names, after checking that it exists and that the value compared with it is of its kind.</summary>
    private string QueryableColumn(string columnId, Atom? value)
    {
        if (!_columnIndex.TryGetValue(columnId, out var column))
        {
            throw new ArgumentException($"Table {TRow.SqlTableName} has no column '{columnId}' to query; its columns are {string.Join(", ", _columns)}.", nameof(columnId));
        }

        if (value is { Kind: not AtomKind.Null } atom && atom.Kind != column.Kind)
        {
            throw new ArgumentException($"Column '{columnId}' of {TRow.SqlTableName} holds {column.Kind} values: it cannot be compared with {atom.Kind} {atom}.", nameof(value));
        }

        return SqliteSchema.Quote(columnId);
    }

    /// <summary>IS and IS NOT, not = and !=: a null value then matches null cells, as in memory.</summary>
    private static string Operator(RowComparison comparison) => comparison switch
    {
        RowComparison.EqualTo => " IS ",
        RowComparison.NotEqualTo => " IS NOT ",
        RowComparison.LessThan => " < ",
        RowComparison.LessThanOrEqualTo => " <= ",
        RowComparison.GreaterThan => " > ",
        _ => " >= ",
    };
}
