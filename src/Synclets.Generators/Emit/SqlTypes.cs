using Synclets.Generators.Shape;

namespace Synclets.Generators.Emit;

/// <summary>The SQL column type of each kind of property, and the kind of atom it holds.</summary>
internal static class SqlTypes
{
    public static (string SqlType, string AtomKind) Of(ColumnModel column) => column.Kind switch
    {
        ValueKind.Boolean => ("INTEGER", "Boolean"),
        ValueKind.Integer => ("INTEGER", "Number"),
        ValueKind.Double or ValueKind.Single or ValueKind.UInt64 => ("REAL", "Number"),
        ValueKind.Decimal or ValueKind.Enum when column.AsNumber => (column.Kind == ValueKind.Enum ? "INTEGER" : "REAL", "Number"),
        _ => ("TEXT", "String"),
    };
}
