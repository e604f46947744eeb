using System.Buffers;
using System.Globalization;
using System.Text;

namespace Synclets.Protocol;

/// <summary>
/// Writes JSON text exactly as JavaScript's <c>JSON.stringify</c> does, so our messages are byte
/// for byte those of a JavaScript peer: no whitespace, minimal string escaping (lower-case
/// <c>\u00xx</c> for control characters, lone surrogates escaped, everything else raw) and
/// numbers in JavaScript's shortest round-trip form. One departure on the wire, still valid JSON
/// that reads back to the same string: U+2028 and U+2029 are written <c>\u2028</c> and
/// <c>\u2029</c>, because the reference's packet parser drops a whole message that holds them raw.
/// Storage (<see cref="AtomJson"/>) writes them raw, as <c>JSON.stringify</c> does, because there the
/// text is a key the JavaScript connectors look rows up by.
/// </summary>
/// <remarks>System.Text.Json's writer escapes far more and formats numbers the .NET way, hence this small writer.</remarks>
internal static class JsonText
{
    /// <summary>The characters a string may have to escape: controls, quote, backslash, the two line separators, and surrogates (escaped only when lone).</summary>
    private static readonly SearchValues<char> MayNeedEscaping = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\"\\\u2028\u2029" + string.Concat(Enumerable.Range(0xD800, 0x800).Select(c => (char)c)));

    /// <summary>The string a JavaScript peer takes for "undefined" wherever it is a value: an absent atom, a deletion.</summary>
    public const string AbsentMarker = "\uFFFC";

    /// <summary>The atom's JSON text for the wire (an absent atom is written as the U+FFFC string).</summary>
    public static string Write(Atom atom)
    {
        var builder = new StringBuilder();
        WriteAtom(builder, atom);
        return builder.ToString();
    }

    /// <summary>Writes an atom; <paramref name="escapeLineSeparators"/> is true on the wire, false for storage (see the class).</summary>
    public static void WriteAtom(StringBuilder builder, Atom atom, bool escapeLineSeparators = true)
    {
        switch (atom.Kind)
        {
            case AtomKind.Absent:
                builder.Append("\"\uFFFC\"");
                break;
            case AtomKind.Null:
                builder.Append("null");
                break;
            case AtomKind.Boolean:
                builder.Append(atom.AsBoolean() ? "true" : "false");
                break;
            case AtomKind.Number:
                WriteNumber(builder, atom.AsNumber());
                break;
            default:
                WriteString(builder, atom.AsString(), escapeLineSeparators);
                break;
        }
    }

    /// <summary>Writes a JSON string; <paramref name="escapeLineSeparators"/> is true on the wire, false for storage (see the class).</summary>
    public static void WriteString(StringBuilder builder, string value, bool escapeLineSeparators = true)
    {
        builder.Append('"');
        if (!value.AsSpan().ContainsAny(MayNeedEscaping))
        {
            builder.Append(value).Append('"'); // Nearly every id, timestamp and text: one vectorized scan.
            return;
        }

        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\' && (!escapeLineSeparators || (c != '\u2028' && c != '\u2029')) && !char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++; // A well-formed pair is written raw.
                continue;
            }

            builder.Append(value, start, i - start);
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\t' => "\\t",
                '\n' => "\\n",
                '\f' => "\\f",
                '\r' => "\\r",
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
            });
            start = i + 1;
        }

        builder.Append(value, start, value.Length - start);
        builder.Append('"');
    }

    /// <summary>Writes a finite double the way JavaScript's <c>Number.prototype.toString</c> does.</summary>
    public static void WriteNumber(StringBuilder builder, double value)
    {
        if (value == 0)
        {
            builder.Append('0'); // Also -0, as in JavaScript.
            return;
        }

        if (Math.Abs(value) < 9007199254740992d && value == Math.Floor(value))
        {
            builder.Append((long)value); // Integers below 2^53: the common case, written directly.
            return;
        }

        if (value < 0)
        {
            builder.Append('-');
            value = -value;
        }

        // .NET's "R" gives the shortest round-trip digits; only the layout differs from JavaScript.
        var (digits, pointPosition) = ShortestDigits(value);
        var k = digits.Length;
        var n = pointPosition;
        if (k <= n && n <= 21)
        {
            builder.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            builder.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            builder.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var exponent = n - 1;
            builder.Append(digits[0]);
            if (k > 1)
            {
                builder.Append('.').Append(digits, 1, k - 1);
            }

            builder.Append('e').Append(exponent >= 0 ? '+' : '-').Append(Math.Abs(exponent));
        }
    }

    /// <summary>The significant digits of a positive double and where its decimal point goes (value = 0.digits x 10^n).</summary>
    private static (string Digits, int PointPosition) ShortestDigits(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = text.IndexOfAny(['E', 'e']);
        var exponent = exponentAt < 0 ? 0 : int.Parse(text.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? text : text[..exponentAt];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? mantissa : mantissa[..dot];
        var fraction = dot < 0 ? string.Empty : mantissa[(dot + 1)..];
        var all = integerPart + fraction;
        var leadingZeros = 0;
        while (leadingZeros < all.Length - 1 && all[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        var digits = all[leadingZeros..].TrimEnd('0');
        return (digits, integerPart.Length + exponent - leadingZeros);
    }
}
