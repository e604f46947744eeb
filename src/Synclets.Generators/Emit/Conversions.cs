using Synclets.Generators.Shape;

namespace Synclets.Generators.Emit;

/// <summary>The C# expressions that turn a property value into an atom and back, through the runtime's AtomConvert.</summary>
internal static class Conversions
{
    private const string Convert = "global::Synclets.AtomConvert";

    /// <summary>An expression of type Atom for <paramref name="value"/>.</summary>
    public static string ToAtom(ColumnModel column, string value)
    {
        if (column.IsNullableValue)
        {
            return $"{value} is {{ }} {Local(column)} ? {Plain(column, Local(column))} : global::Synclets.Atom.Null";
        }

        return Plain(column, value);
    }

    /// <summary>An expression of the property's type, read from the atom in <paramref name="atom"/>.</summary>
    public static string FromAtom(ColumnModel column, string atom)
    {
        var plain = column.Kind switch
        {
            ValueKind.String => $"{Convert}.ToString({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.Boolean => $"{Convert}.ToBoolean({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.Double => $"{Convert}.ToDouble({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.Single => $"(float){Convert}.ToDouble({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.Integer => $"({column.TypeName}){Convert}.ToInt64({atom}, {CSharpText.Literal(column.Id)}, {column.MinValue}, {column.MaxValue})",
            ValueKind.UInt64 => $"{Convert}.ToUInt64({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.Decimal => $"{Convert}.ToDecimal({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.Guid => $"{Convert}.ToGuid({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.DateTime => $"{Convert}.ToDateTime({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.DateTimeOffset => $"{Convert}.ToDateTimeOffset({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.DateOnly => $"{Convert}.ToDateOnly({atom}, {CSharpText.Literal(column.Id)})",
            ValueKind.TimeOnly => $"{Convert}.ToTimeOnly({atom}, {CSharpText.Literal(column.Id)})",
            _ => $"{Convert}.ToEnum<{column.TypeName}>({atom}, {CSharpText.Literal(column.Id)})",
        };

        if (column.IsNullableValue)
        {
            return $"{Convert}.IsNull({atom}) ? null : {plain}";
        }

        return column.IsNullableReference ? plain : plain;
    }

    /// <summary>The row id of a key value.</summary>
    public static string KeyToId(ColumnModel key, string value) =>
        key.Kind == ValueKind.String ? value : $"{Convert}.ToId({value})";

    /// <summary>The key value of a row id.</summary>
    public static string IdToKey(ColumnModel key, string id) => key.Kind switch
    {
        ValueKind.String => id,
        ValueKind.Guid => $"global::System.Guid.Parse({id})",
        ValueKind.Enum => $"global::System.Enum.Parse<{key.TypeName}>({id})",
        _ => $"{key.TypeName}.Parse({id}, global::System.Globalization.CultureInfo.InvariantCulture)",
    };

    private static string Plain(ColumnModel column, string value) => column.Kind switch
    {
        ValueKind.Single => $"{Convert}.From((double){value})",
        ValueKind.Integer => $"{Convert}.From((long){value})",
        ValueKind.Decimal => $"{Convert}.From({value}, asNumber: {(column.AsNumber ? "true" : "false")})",
        ValueKind.Enum => $"{Convert}.FromEnum({value}, asNumber: {(column.AsNumber ? "true" : "false")})",
        _ => $"{Convert}.From({value})",
    };

    private static string Local(ColumnModel column) => "__" + char.ToLowerInvariant(column.PropertyName[0]) + column.PropertyName.Substring(1);
}
