using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Synclets.Protocol;

/// <summary>
/// Reads a JSON string token as JavaScript means it. A JavaScript string (like a .NET one) may
/// hold a lone surrogate, which <c>JSON.stringify</c> (and our <see cref="JsonText"/>) writes as a
/// <c>\uXXXX</c> escape; System.Text.Json refuses to read such an escape into a string, so those
/// rare strings are unescaped here, code unit by code unit. Every other string takes the
/// framework's path.
/// </summary>
internal static class JsonStringReader
{
    /// <summary>The current string token's value (the reader has already checked it is well-formed JSON).</summary>
    public static string Read(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException) when (reader.ValueIsEscaped)
        {
            return Unescape(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        }
    }

    /// <summary>A string token as an atom: the U+FFFC string is the absent atom (a deletion).</summary>
    public static Atom ReadAtom(ref Utf8JsonReader reader)
    {
        var text = Read(ref reader);
        return text == "\uFFFC" ? Atom.Absent : Atom.FromString(text);
    }

    /// <summary>Unescapes a JSON string's raw UTF-8 text, keeping lone surrogates.</summary>
    internal static string Unescape(ReadOnlySpan<byte> raw)
    {
        var text = new StringBuilder(raw.Length);
        while (!raw.IsEmpty)
        {
            var backslash = raw.IndexOf((byte)'\\');
            var plain = backslash < 0 ? raw : raw[..backslash];
            text.Append(Encoding.UTF8.GetString(plain));
            if (backslash < 0)
            {
                break;
            }

            var escape = raw[backslash + 1];
            if (escape == (byte)'u')
            {
                text.Append((char)ushort.Parse(raw.Slice(backslash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                raw = raw[(backslash + 6)..];
                continue;
            }

            text.Append(escape switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => (char)escape, // \" \\ \/
            });
            raw = raw[(backslash + 2)..];
        }

        return text.ToString();
    }
}
