namespace Synclets;

/// <summary>One typed column of a row record's SQL table: its id, SQL type, and the kind of atom it holds.</summary>
/// <param name="Id">The column id (as synced).</param>
/// <param name="SqlType">TEXT, INTEGER or REAL.</param>
/// <param name="Kind">The kind of atom the property maps to (a boolean is stored as INTEGER 0 or 1).</param>
public sealed record SyncSqlColumn(string Id, string SqlType, AtomKind Kind)
{
    /// <summary>
    /// The record property's type, for a store that picks column types of its own (PostgreSQL's
    /// <c>uuid</c>, <c>date</c>, <c>numeric</c>...); <see cref="SyncPropertyType.Unspecified"/>
    /// in code from a generator before it was written, which such a store reads from <see cref="Kind"/>.
    /// </summary>
    public SyncPropertyType PropertyType { get; init; }
}

/// <summary>An index a row record asks for (<see cref="SyncIndexAttribute"/>): the ids of its columns, in order.</summary>
/// <param name="ColumnIds">The columns indexed (the key column's id among them, when the key is).</param>
public sealed record SyncSqlIndex(IReadOnlyList<string> ColumnIds);

/// <summary>
/// The SQL mapping of a <c>[SyncTree(depth: 2)]</c> row record, written by the source generator:
/// a table with one typed column per property, for the typed SQL stores (which write the table's
/// DDL themselves, in their own dialect, from these columns).
/// </summary>
/// <typeparam name="TSelf">The record type.</typeparam>
public interface ISyncSqlRow<TSelf> : ISyncRow<TSelf>
    where TSelf : ISyncSqlRow<TSelf>
{
    /// <summary>The table's name (the record's name).</summary>
    static abstract string SqlTableName { get; }

    /// <summary>The key column (the row id), named after the key property.</summary>
    static abstract string SqlKeyColumn { get; }

    /// <summary>The typed columns, in declaration order.</summary>
    static abstract IReadOnlyList<SyncSqlColumn> SqlColumns { get; }

    /// <summary>The indexes the record asks for with <see cref="SyncIndexAttribute"/>; none unless the generator writes them.</summary>
    static virtual IReadOnlyList<SyncSqlIndex> SqlIndexes => [];
}
