using System;
using Microsoft.CodeAnalysis;
using Synclets.Generators.Shape;

namespace Synclets.Analyzers;

/// <summary>The catalogue of Synclets diagnostics; each has a page at docs/diagnostics/SYNCnnn.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Synclets";
    private const string HelpBase = "https://github.com/synclets/synclets-dotnet/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor NotPartial = Create(
        DiagnosticIds.NotPartial, "The [SyncTree] type must be partial", "'{0}' has [SyncTree] but is not partial, so the generator cannot add its typed store; add the partial modifier");

    public static readonly DiagnosticDescriptor UnsupportedShape = Create(
        DiagnosticIds.UnsupportedShape, "The type or depth cannot be a typed tree", "'{0}' cannot be a typed tree: {1}");

    public static readonly DiagnosticDescriptor UnsupportedPropertyType = Create(
        DiagnosticIds.UnsupportedPropertyType, "A property's type cannot be an atom", "Property '{0}' has type '{1}', which cannot be an atom (supported: string, bool, numbers, decimal, enums, Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly and their nullable forms). {2}");

    public static readonly DiagnosticDescriptor MissingKey = Create(
        DiagnosticIds.MissingKey, "A depth-2 row needs a key", "'{0}' is a depth-2 row but has no key; mark the property that identifies a row with [SyncKey], or name it Id");

    public static readonly DiagnosticDescriptor UnusableKey = Create(
        DiagnosticIds.UnusableKey, "The row key cannot be a row id", "Key '{0}' has type '{1}'; a row id must be a non-nullable string, integer, Guid or enum");

    public static readonly DiagnosticDescriptor NotATable = Create(
        DiagnosticIds.NotATable, "A depth-3 member must be a table of rows", "Property '{0}' of container '{1}' is not a table: {2}");

    public static readonly DiagnosticDescriptor DuplicateId = Create(
        DiagnosticIds.DuplicateId, "Two properties map to the same id", "Properties '{0}' and '{1}' both map to the id '{2}'; rename one with [SyncColumn(\"...\")]");

    public static readonly DiagnosticDescriptor NotSettable = Create(
        DiagnosticIds.NotSettable, "A property cannot be set when the record is rebuilt", "'{0}' cannot be rebuilt from its atoms: for '{1}', {2}; add an init accessor, make it a constructor parameter, or mark it [SyncIgnore]");

    public static readonly DiagnosticDescriptor ReservedId = Create(
        DiagnosticIds.ReservedId, "An id is empty or reserved", "Property '{0}' maps to {1}; choose another with [SyncColumn(\"...\")]");

    public static readonly DiagnosticDescriptor UnreachableNesting = Create(
        DiagnosticIds.UnreachableNesting, "The containing type must be partial", "'{0}' is nested in '{1}', which is not partial, so the generator cannot reach it; make '{1}' partial");

    public static readonly DiagnosticDescriptor ShippedColumnGone = Create(
        DiagnosticIds.ShippedColumnGone,
        "A shipped column no longer syncs",
        "Column '{0}.{1}' is listed in synclets.schema.txt, but {2}. Databases written before keep the column and its data; nothing syncs it any more.",
        DiagnosticSeverity.Error,
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor ColumnNotInSchema = Create(
        DiagnosticIds.ColumnNotInSchema,
        "A column is not in synclets.schema.txt",
        "Column '{0}' of '{1}' is not in synclets.schema.txt; add the line '{2}' so that removing or renaming it later is caught",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ColumnTypeChanged = Create(
        DiagnosticIds.ColumnTypeChanged,
        "A shipped column changed its type",
        "Column '{0}.{1}' is {2} in synclets.schema.txt but the property now makes it {3}: databases written before hold {2} values in it. Keep the property's type, or sync the new type under a new id with [SyncColumn(\"...\")] and delete the old line.",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnreadableSchemaLine = Create(
        DiagnosticIds.UnreadableSchemaLine,
        "A line of synclets.schema.txt cannot be read",
        "'{0}' is not a column line; write 'Table.column TYPE' (TYPE: TEXT, INTEGER, REAL, KEY for the row key, or TABLE for a container's table), or start a comment with #",
        DiagnosticSeverity.Warning,
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor TableOutsideContainer = Create(
        DiagnosticIds.TableOutsideContainer, "A table belongs in a depth-3 container", "Property '{0}' is a table, but '{1}' is a depth-{2} type; tables are members of a [SyncTree(depth: 3)] container");

    public static readonly DiagnosticDescriptor UnusableIndex = Create(
        DiagnosticIds.UnusableIndex, "An index cannot be made", "The [SyncIndex] on '{0}' cannot be made: {1}");

    public static readonly DiagnosticDescriptor SqlColumnClash = Create(
        DiagnosticIds.SqlColumnClash,
        "Two ids would be one column of a typed SQLite table",
        "Column '{0}' of '{1}' would be {2} in a typed SQLite table, which compares column names without regard to case; that store refuses to open it. Give the property another id with [SyncColumn(\"...\")].",
        DiagnosticSeverity.Warning);

    /// <summary>The descriptor of a problem the shape reader found; every id it reports has one.</summary>
    public static DiagnosticDescriptor ById(string id) => id switch
    {
        DiagnosticIds.NotPartial => NotPartial,
        DiagnosticIds.UnsupportedShape => UnsupportedShape,
        DiagnosticIds.UnsupportedPropertyType => UnsupportedPropertyType,
        DiagnosticIds.MissingKey => MissingKey,
        DiagnosticIds.UnusableKey => UnusableKey,
        DiagnosticIds.NotATable => NotATable,
        DiagnosticIds.DuplicateId => DuplicateId,
        DiagnosticIds.NotSettable => NotSettable,
        DiagnosticIds.ReservedId => ReservedId,
        DiagnosticIds.UnreachableNesting => UnreachableNesting,
        DiagnosticIds.TableOutsideContainer => TableOutsideContainer,
        DiagnosticIds.UnusableIndex => UnusableIndex,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "The shape reader reported a diagnostic the catalogue does not describe."),
    };

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error, params string[] tags) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md", customTags: tags);
}
