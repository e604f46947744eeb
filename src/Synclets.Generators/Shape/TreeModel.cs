using System;

namespace Synclets.Generators.Shape;

/// <summary>What the generator needs to know about one annotated type: plain values only, no Roslyn symbols or syntax, so it caches.</summary>
/// <remarks><c>ReachableAs</c>: "public" or "internal" when code outside the type's containers can name it, null when it cannot (a private or protected type, or one inside such).</remarks>
internal sealed record TreeModel(
    string? Namespace,
    string TypeName,
    string FullName,
    string Keyword,
    EquatableArray<ContainingType> ContainingTypes,
    int Depth,
    EquatableArray<ColumnModel> Columns,
    ColumnModel? Key,
    bool UsesConstructor,
    EquatableArray<TableModel> Tables,
    string? ReachableAs,
    EquatableArray<IndexModel> Indexes)
{
    /// <summary>A file name for the generated source, unique per type.</summary>
    public string HintName => FullName.Replace("global::", string.Empty).Replace('<', '_').Replace('>', '_') + HintSuffix;

    /// <summary>How the name of every file the generator writes ends.</summary>
    public const string HintSuffix = ".Synclets.g.cs";
}

/// <summary>A type the annotated type is nested in.</summary>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>
/// How a property's value maps to an atom. Each member is named as the runtime's
/// <c>Synclets.SyncPropertyType</c> member it stands for: the generated SQL metadata names it
/// (the generator cannot reference the runtime it generates code for).
/// </summary>
internal enum ValueKind
{
    String,
    Boolean,
    Double,
    Single,
    Integer,
    UInt64,
    Decimal,
    Guid,
    DateTime,
    DateTimeOffset,
    DateOnly,
    TimeOnly,
    Enum,
}

/// <summary>One property that is a column (or, at depth 1, an atom), or the row key.</summary>
internal sealed record ColumnModel(
    string PropertyName,
    string Id,
    ValueKind Kind,
    string TypeName,
    bool IsNullableValue,
    bool IsNullableReference,
    bool AsNumber,
    string? MinValue,
    string? MaxValue,
    int ConstructorPosition,
    string? DefaultExpression);

/// <summary>One table of a depth-3 container.</summary>
internal sealed record TableModel(string PropertyName, string Id, string RowTypeName, string Modifiers);

/// <summary>An index a row record asks for: the ids of its columns, in order.</summary>
internal sealed record IndexModel(EquatableArray<string> ColumnIds);
