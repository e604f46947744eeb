namespace Synclets;

#pragma warning disable CA1720 // The kinds are named after the JSON types they hold.

/// <summary>What an <see cref="Atom"/> holds.</summary>
public enum AtomKind : byte
{
    /// <summary>No value: the atom was deleted or never written. Not the same as <see cref="Null"/>.</summary>
    Absent = 0,

    /// <summary>The JSON value <c>null</c>, which is a value like any other.</summary>
    Null,

    /// <summary>A JSON boolean.</summary>
    Boolean,

    /// <summary>A JSON number (an IEEE double, as in JavaScript).</summary>
    Number,

    /// <summary>A JSON string.</summary>
    String,
}
