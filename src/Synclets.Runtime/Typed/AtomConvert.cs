using System.Globalization;

namespace Synclets;

/// <summary>
/// The documented, lossless mapping between .NET values and atoms that generated code uses.
/// Strings, booleans and numbers map to themselves; decimals, enums, Guids and dates map to
/// strings (ISO 8601 for dates); null maps to <see cref="Atom.Null"/>.
/// </summary>
/// <remarks>
/// Precision: every integer type fits a double exactly up to 2^53; a JavaScript peer sees
/// <see cref="long"/> and <see cref="ulong"/> values beyond that rounded. Decimals written as
/// numbers keep 15 to 17 significant digits.
/// </remarks>
public static class AtomConvert
{
    private const string DateOnlyFormat = "yyyy-MM-dd";
    private const string TimeOnlyFormat = "HH:mm:ss.FFFFFFF";

#pragma warning disable CS1591 // One self-explaining pair per type.
    public static Atom From(string? value) => value is null ? Atom.Null : Atom.FromString(value);

    public static Atom From(bool value) => Atom.FromBoolean(value);

    public static Atom From(double value) => Atom.FromNumber(value);

    public static Atom From(long value) => Atom.FromNumber(value);

    public static Atom From(ulong value) => Atom.FromNumber(value);

    public static Atom From(decimal value, bool asNumber) =>
        asNumber ? Atom.FromNumber((double)value) : Atom.FromString(value.ToString(CultureInfo.InvariantCulture));

    public static Atom From(Guid value) => Atom.FromString(value.ToString("D"));

    public static Atom From(DateTime value) => Atom.FromString(value.ToString("O", CultureInfo.InvariantCulture));

    public static Atom From(DateTimeOffset value) => Atom.FromString(value.ToString("O", CultureInfo.InvariantCulture));

    public static Atom From(DateOnly value) => Atom.FromString(value.ToString(DateOnlyFormat, CultureInfo.InvariantCulture));

    public static Atom From(TimeOnly value) => Atom.FromString(value.ToString(TimeOnlyFormat, CultureInfo.InvariantCulture));

    public static Atom FromEnum<TEnum>(TEnum value, bool asNumber)
        where TEnum : struct, Enum =>
        asNumber ? Atom.FromNumber(Convert.ToDouble(value, CultureInfo.InvariantCulture)) : Atom.FromString(value.ToString());

    public static string ToString(Atom atom, string column) => atom.Kind switch
    {
        AtomKind.String => atom.AsString(),
        AtomKind.Null => null!,
        _ => throw Mismatch(atom, column, "a string"),
    };

    public static bool ToBoolean(Atom atom, string column) =>
        atom.Kind == AtomKind.Boolean ? atom.AsBoolean() : throw Mismatch(atom, column, "a boolean");

    public static double ToDouble(Atom atom, string column) =>
        atom.Kind == AtomKind.Number ? atom.AsNumber() : throw Mismatch(atom, column, "a number");

    public static long ToInt64(Atom atom, string column, long min, long max)
    {
        var number = ToDouble(atom, column);
        return number == Math.Floor(number) && number >= min && number <= max
            ? (long)number
            : throw new FormatException($"Column '{column}' holds {atom}, which is not a whole number from {min} to {max}.");
    }

    public static ulong ToUInt64(Atom atom, string column)
    {
        var number = ToDouble(atom, column);
        return number == Math.Floor(number) && number >= 0 && number <= ulong.MaxValue
            ? (ulong)number
            : throw new FormatException($"Column '{column}' holds {atom}, which is not a whole number from 0 to {ulong.MaxValue}.");
    }

    public static decimal ToDecimal(Atom atom, string column) => atom.Kind switch
    {
        AtomKind.Number => (decimal)atom.AsNumber(),
        AtomKind.String when decimal.TryParse(atom.AsString(), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw Mismatch(atom, column, "a decimal"),
    };

    public static Guid ToGuid(Atom atom, string column) =>
        atom.Kind == AtomKind.String && Guid.TryParse(atom.AsString(), out var value) ? value : throw Mismatch(atom, column, "a Guid");

    public static DateTime ToDateTime(Atom atom, string column) =>
        atom.Kind == AtomKind.String && DateTime.TryParse(atom.AsString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value) ? value : throw Mismatch(atom, column, "an ISO 8601 date and time");

    public static DateTimeOffset ToDateTimeOffset(Atom atom, string column) =>
        atom.Kind == AtomKind.String && DateTimeOffset.TryParse(atom.AsString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value) ? value : throw Mismatch(atom, column, "an ISO 8601 date, time and offset");

    public static DateOnly ToDateOnly(Atom atom, string column) =>
        atom.Kind == AtomKind.String && DateOnly.TryParseExact(atom.AsString(), DateOnlyFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : throw Mismatch(atom, column, "a yyyy-MM-dd date");

    public static TimeOnly ToTimeOnly(Atom atom, string column) =>
        atom.Kind == AtomKind.String && TimeOnly.TryParse(atom.AsString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : throw Mismatch(atom, column, "a time of day");

    public static TEnum ToEnum<TEnum>(Atom atom, string column)
        where TEnum : struct, Enum => atom.Kind switch
        {
            AtomKind.String when Enum.TryParse<TEnum>(atom.AsString(), ignoreCase: false, out var value) && Enum.IsDefined(value) => value,
            AtomKind.Number => (TEnum)Enum.ToObject(typeof(TEnum), ToInt64(atom, column, long.MinValue, long.MaxValue)),
            _ => throw Mismatch(atom, column, $"a {typeof(TEnum).Name}"),
        };
#pragma warning restore CS1591

    /// <summary>True when the atom is null, which a nullable property reads as null.</summary>
    public static bool IsNull(Atom atom) => atom.Kind is AtomKind.Null or AtomKind.Absent;

    /// <summary>A key value as a row id: invariant, round-trippable text.</summary>
    public static string ToId<T>(T key)
        where T : notnull => key switch
        {
            string text => text,
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => key.ToString()!,
        };

    private static FormatException Mismatch(Atom atom, string column, string wanted) =>
        new($"Column '{column}' holds {(atom.IsAbsent ? "nothing" : atom.ToString())}, which cannot be read as {wanted}.");
}
