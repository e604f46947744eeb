namespace Synclets;

/// <summary>
/// A record that maps to one row of a table (depth 2): implemented by the source generator for a
/// <c>[SyncTree(depth: 2)]</c> type, without reflection.
/// </summary>
/// <typeparam name="TSelf">The record type.</typeparam>
public interface ISyncRow<TSelf>
    where TSelf : ISyncRow<TSelf>
{
    /// <summary>The column ids, in declaration order (the key is not a column).</summary>
    static abstract IReadOnlyList<string> ColumnIds { get; }

    /// <summary>The row id of a record.</summary>
    static abstract string GetRowId(TSelf row);

    /// <summary>Rebuilds a record from its row id and cells; a missing cell reads as the property's default.</summary>
    /// <exception cref="FormatException">A cell holds an atom the property cannot take; the message names the column.</exception>
    static abstract TSelf FromCells(string rowId, IReadOnlyDictionary<string, Atom> cells);

    /// <summary>Adds to <paramref name="changes"/> the cells of <paramref name="after"/> that differ from <paramref name="before"/> (all of them when null).</summary>
    static abstract void AddChangedCells(TSelf? before, TSelf after, ICollection<KeyValuePair<string, Atom>> changes);
}

/// <summary>
/// A record whose properties are the atoms of a depth-1 tree (settings): implemented by the
/// source generator for a <c>[SyncTree(depth: 1)]</c> type.
/// </summary>
/// <typeparam name="TSelf">The record type.</typeparam>
public interface ISyncRecord<TSelf>
    where TSelf : ISyncRecord<TSelf>
{
    /// <summary>The atom ids, in declaration order.</summary>
    static abstract IReadOnlyList<string> AtomIds { get; }

    /// <summary>Rebuilds the record from its atoms; a missing atom reads as the property's default.</summary>
    static abstract TSelf FromAtoms(IReadOnlyDictionary<string, Atom> atoms);

    /// <summary>Adds to <paramref name="changes"/> the atoms of <paramref name="after"/> that differ from <paramref name="before"/> (all of them when null).</summary>
    static abstract void AddChangedAtoms(TSelf? before, TSelf after, ICollection<KeyValuePair<string, Atom>> changes);
}
