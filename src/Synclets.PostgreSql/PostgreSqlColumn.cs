using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Synclets.PostgreSql;

/// <summary>
/// One typed column of a typed PostgreSQL table: the PostgreSQL type a record's property gets, what
/// that type can hold exactly, and how atoms go in (as one array per column for a batch of rows)
/// and come out. A typed store must give back exactly the atom it was given, or two peers' hashes
/// never agree; so a type is used only where every value .NET writes survives it, and an atom it
/// would change (a uuid in capitals from another peer) is refused, like an atom of the wrong kind.
/// </summary>
internal sealed partial class PostgreSqlColumn
{
    private PostgreSqlColumn(string id, AtomKind kind, string sqlType)
    {
        Id = id;
        Kind = kind;
        SqlType = sqlType;
    }

    public string Id { get; }

    /// <summary>The kind of atom the column holds (besides null).</summary>
    public AtomKind Kind { get; }

    /// <summary>
    /// The PostgreSQL type: <c>text</c>, <c>boolean</c>, <c>bigint</c>, <c>double precision</c>,
    /// <c>numeric</c>, <c>uuid</c> or <c>date</c>. Times stay <c>text</c>: <c>timestamptz</c> and
    /// <c>time</c> keep microseconds where .NET writes 100-nanosecond ticks, and
    /// <c>timestamptz</c> keeps neither a DateTime's kind nor a DateTimeOffset's offset.
    /// </summary>
    public string SqlType { get; }

    /// <summary>How a select list reads the column (numeric as its exact text: a .NET decimal cannot hold every numeric).</summary>
    public string Select(string quoted) => SqlType == "numeric" ? quoted + "::text" : quoted;

    /// <summary>The column of a record's property.</summary>
    public static PostgreSqlColumn For(SyncSqlColumn column) => new(column.Id, column.Kind, (column.PropertyType, column.Kind) switch
    {
        (_, AtomKind.Boolean) => "boolean",
        (SyncPropertyType.Integer or SyncPropertyType.Enum, AtomKind.Number) => "bigint",
        (_, AtomKind.Number) => "double precision",
        (SyncPropertyType.Decimal, _) => "numeric",
        (SyncPropertyType.Guid, _) => "uuid",
        (SyncPropertyType.DateOnly, _) => "date",
        _ => "text",
    });

    /// <summary>A column the table has and the record no longer declares (kept, never dropped), by its PostgreSQL type.</summary>
    public static PostgreSqlColumn Kept(string id, string sqlType) => new(id, sqlType switch
    {
        "boolean" => AtomKind.Boolean,
        "bigint" or "double precision" => AtomKind.Number,
        _ => AtomKind.String,
    }, sqlType);

    /// <summary>Why the atom (a value, not null or absent) cannot be kept exactly in this column, or null when it can.</summary>
    public string? WhyNotStorable(Atom atom) => SqlType switch
    {
        "bigint" when atom.AsNumber() is var number && (Math.Floor(number) != number || number < -9.223372036854775808E18 || number >= 9.223372036854775808E18) =>
            $"holds whole numbers (bigint), and {atom} is not one",
        "uuid" when !(Guid.TryParseExact(atom.AsString(), "D", out var guid) && guid.ToString("D") == atom.AsString()) =>
            $"holds uuids in their lower-case 36-character form (as .NET writes a Guid), and {atom} is not one",
        "date" when !(DateOnly.TryParseExact(atom.AsString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == atom.AsString()) =>
            $"holds dates written yyyy-MM-dd, and {atom} is not one",
        "numeric" when !CanonicalDecimal().IsMatch(atom.AsString()) || NegativeZero().IsMatch(atom.AsString()) =>
            $"holds decimals written as .NET writes them (digits, a point, no exponent, no leading zeros), and {atom} is not one",
        _ => null,
    };

    /// <summary>An array of this column's values for a batch of rows (one slot per row; null for null, absent or untouched).</summary>
    public NpgsqlParameter Array(List<Atom> atoms) => SqlType switch
    {
        "boolean" => Parameter(NpgsqlDbType.Boolean, atoms.Select(a => a.Kind == AtomKind.Boolean ? a.AsBoolean() : (bool?)null).ToArray()),
        "bigint" => Parameter(NpgsqlDbType.Bigint, atoms.Select(a => a.Kind == AtomKind.Number ? (long)a.AsNumber() : (long?)null).ToArray()),
        "double precision" => Parameter(NpgsqlDbType.Double, atoms.Select(a => a.Kind == AtomKind.Number ? a.AsNumber() : (double?)null).ToArray()),
        "uuid" => Parameter(NpgsqlDbType.Uuid, atoms.Select(a => a.Kind == AtomKind.String ? Guid.ParseExact(a.AsString(), "D") : (Guid?)null).ToArray()),
        "date" => Parameter(NpgsqlDbType.Date, atoms.Select(a => a.Kind == AtomKind.String ? DateOnly.ParseExact(a.AsString(), "yyyy-MM-dd", CultureInfo.InvariantCulture) : (DateOnly?)null).ToArray()),
        _ => Parameter(NpgsqlDbType.Text, atoms.Select(a => a.Kind == AtomKind.String ? a.AsString() : null).ToArray()), // numeric too, cast in the statement.
    };

    /// <summary>False for <c>numeric</c>, whose exact text a binary COPY (which takes a .NET decimal) cannot always carry.</summary>
    public bool CanCopy => SqlType != "numeric";

    /// <summary>Writes one row's value of the column to a binary COPY (null for null, absent or untouched).</summary>
    public Task WriteAsync(NpgsqlBinaryImporter import, Atom atom, CancellationToken cancellationToken) => (SqlType, atom.Kind) switch
    {
        ("boolean", AtomKind.Boolean) => import.WriteAsync(atom.AsBoolean(), NpgsqlDbType.Boolean, cancellationToken),
        ("bigint", AtomKind.Number) => import.WriteAsync((long)atom.AsNumber(), NpgsqlDbType.Bigint, cancellationToken),
        ("double precision", AtomKind.Number) => import.WriteAsync(atom.AsNumber(), NpgsqlDbType.Double, cancellationToken),
        ("uuid", AtomKind.String) => import.WriteAsync(Guid.ParseExact(atom.AsString(), "D"), NpgsqlDbType.Uuid, cancellationToken),
        ("date", AtomKind.String) => import.WriteAsync(DateOnly.ParseExact(atom.AsString(), "yyyy-MM-dd", CultureInfo.InvariantCulture), NpgsqlDbType.Date, cancellationToken),
        ("text", AtomKind.String) => import.WriteAsync(atom.AsString(), NpgsqlDbType.Text, cancellationToken),
        _ => import.WriteNullAsync(cancellationToken),
    };

    /// <summary>The type an array parameter is cast to in a statement.</summary>
    public string ArrayCast => SqlType == "numeric" ? "::text[]::numeric[]" : "::" + SqlType + "[]";

    /// <summary>The atom a row's value is (null for SQL NULL; absence is the row's mask's to say).</summary>
    public Atom Read(NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return Atom.Null;
        }

        return SqlType switch
        {
            "boolean" => Atom.FromBoolean(reader.GetBoolean(ordinal)),
            "bigint" => Atom.FromNumber(reader.GetInt64(ordinal)),
            "double precision" => Atom.FromNumber(reader.GetDouble(ordinal)),
            "uuid" => Atom.FromString(reader.GetGuid(ordinal).ToString("D")),
            "date" => Atom.FromString(reader.GetFieldValue<DateOnly>(ordinal).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            _ => Atom.FromString(reader.GetString(ordinal)),
        };
    }

    private static NpgsqlParameter Parameter<T>(NpgsqlDbType type, T[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values };

    [GeneratedRegex("^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CanonicalDecimal();

    [GeneratedRegex("^-0(\\.0+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NegativeZero();
}
