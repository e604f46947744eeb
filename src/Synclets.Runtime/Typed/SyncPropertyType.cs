namespace Synclets;

#pragma warning disable CA1720 // The members are named after the .NET types of the properties.

/// <summary>The type of a row record's property, as the generator read it (see <see cref="SyncSqlColumn.PropertyType"/>).</summary>
public enum SyncPropertyType
{
    /// <summary>Not written by the generator: known only by the atom kind.</summary>
    Unspecified,

    /// <summary>A <see cref="string"/>.</summary>
    String,

    /// <summary>A <see cref="bool"/>.</summary>
    Boolean,

    /// <summary>A <see cref="double"/>.</summary>
    Double,

    /// <summary>A <see cref="float"/>.</summary>
    Single,

    /// <summary>A signed or unsigned integer of up to 32 bits, or a <see cref="long"/>.</summary>
    Integer,

    /// <summary>A <see cref="ulong"/> (synced as a JSON number, so a double).</summary>
    UInt64,

    /// <summary>A <see cref="decimal"/>: synced as its invariant text, or as a number when <c>[SyncColumn(AsNumber = true)]</c>.</summary>
    Decimal,

    /// <summary>A <see cref="System.Guid"/>, synced in its "D" format.</summary>
    Guid,

    /// <summary>A <see cref="System.DateTime"/>, synced in its round-trip ("O") format.</summary>
    DateTime,

    /// <summary>A <see cref="System.DateTimeOffset"/>, synced in its round-trip ("O") format.</summary>
    DateTimeOffset,

    /// <summary>A <see cref="System.DateOnly"/>, synced as yyyy-MM-dd.</summary>
    DateOnly,

    /// <summary>A <see cref="System.TimeOnly"/>.</summary>
    TimeOnly,

    /// <summary>An enum: synced by name, or as a number when <c>[SyncColumn(AsNumber = true)]</c>.</summary>
    Enum,
}
