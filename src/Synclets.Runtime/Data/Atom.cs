using System.Globalization;

namespace Synclets;

/// <summary>
/// The smallest unit of synced data: a JSON primitive (string, number, boolean or null), or
/// <see cref="Absent"/> for an atom that was deleted. <c>default(Atom)</c> is absent.
/// </summary>
/// <remarks>Numbers are IEEE doubles, as in JavaScript; NaN and infinities are refused because JSON cannot carry them.</remarks>
public readonly struct Atom : IEquatable<Atom>
{
    private readonly double _number;
    private readonly string? _string;

    private Atom(AtomKind kind, double number, string? text)
    {
        Kind = kind;
        _number = number;
        _string = text;
    }

    /// <summary>What this atom holds.</summary>
    public AtomKind Kind { get; }

    /// <summary>The deleted (absent) atom.</summary>
    public static Atom Absent => default;

    /// <summary>The JSON <c>null</c> value.</summary>
    public static Atom Null { get; } = new(AtomKind.Null, 0, null);

    /// <summary>True when this atom is <see cref="Absent"/>.</summary>
    public bool IsAbsent => Kind == AtomKind.Absent;

    /// <summary>Makes a string atom.</summary>
    public static Atom FromString(string value) => new(AtomKind.String, 0, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Makes a boolean atom.</summary>
    public static Atom FromBoolean(bool value) => new(AtomKind.Boolean, value ? 1 : 0, null);

    /// <summary>Makes a number atom.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite, which JSON cannot carry.</exception>
    public static Atom FromNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "An atom number must be finite: JSON has no NaN or Infinity.");
        }

        return new(AtomKind.Number, value, null);
    }

    /// <summary>The string value.</summary>
    /// <exception cref="InvalidOperationException">The atom is not a string.</exception>
    public string AsString() => Kind == AtomKind.String ? _string! : throw WrongKind(AtomKind.String);

    /// <summary>The number value.</summary>
    /// <exception cref="InvalidOperationException">The atom is not a number.</exception>
    public double AsNumber() => Kind == AtomKind.Number ? _number : throw WrongKind(AtomKind.Number);

    /// <summary>The boolean value.</summary>
    /// <exception cref="InvalidOperationException">The atom is not a boolean.</exception>
    public bool AsBoolean() => Kind == AtomKind.Boolean ? _number != 0 : throw WrongKind(AtomKind.Boolean);

    /// <summary>Converts a string to a string atom.</summary>
    public static implicit operator Atom(string value) => FromString(value);

    /// <summary>Converts a double to a number atom.</summary>
    public static implicit operator Atom(double value) => FromNumber(value);

    /// <summary>Converts a boolean to a boolean atom.</summary>
    public static implicit operator Atom(bool value) => FromBoolean(value);

    /// <inheritdoc/>
    public bool Equals(Atom other) => Kind == other.Kind && Kind switch
    {
        AtomKind.String => string.Equals(_string, other._string, StringComparison.Ordinal),
        AtomKind.Number or AtomKind.Boolean => _number.Equals(other._number),
        _ => true,
    };

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Atom other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Kind switch
    {
        AtomKind.String => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(_string!)),
        AtomKind.Number or AtomKind.Boolean => HashCode.Combine(Kind, _number),
        _ => (int)Kind,
    };

    /// <summary>Compares two atoms for equality.</summary>
    public static bool operator ==(Atom left, Atom right) => left.Equals(right);

    /// <summary>Compares two atoms for inequality.</summary>
    public static bool operator !=(Atom left, Atom right) => !left.Equals(right);

    /// <summary>The atom as JSON text, as JavaScript's <c>JSON.stringify</c> writes it; <c>(absent)</c> when absent.</summary>
    public override string ToString() => Kind switch
    {
        AtomKind.Absent => "(absent)",
        _ => Protocol.JsonText.Write(this),
    };

    private InvalidOperationException WrongKind(AtomKind wanted) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The atom is {Kind}, not {wanted}."));
}
