namespace Synclets.Generators.Shape;

/// <summary>
/// The id of every Synclets diagnostic, once: the shape reader reports by these, the analyzer's
/// catalogue describes them, the code fixes name the ones they fix. Each has a page at
/// docs/diagnostics/SYNCnnn.md.
/// </summary>
internal static class DiagnosticIds
{
    public const string NotPartial = "SYNC001";
    public const string UnsupportedShape = "SYNC002";
    public const string UnsupportedPropertyType = "SYNC003";
    public const string MissingKey = "SYNC004";
    public const string UnusableKey = "SYNC005";
    public const string NotATable = "SYNC006";
    public const string DuplicateId = "SYNC007";
    public const string NotSettable = "SYNC008";
    public const string ReservedId = "SYNC009";
    public const string UnreachableNesting = "SYNC010";
    public const string ShippedColumnGone = "SYNC011";
    public const string ColumnNotInSchema = "SYNC012";
    public const string ColumnTypeChanged = "SYNC013";
    public const string UnreadableSchemaLine = "SYNC014";
    public const string TableOutsideContainer = "SYNC015";
    public const string UnusableIndex = "SYNC016";
    public const string SqlColumnClash = "SYNC017";
}
