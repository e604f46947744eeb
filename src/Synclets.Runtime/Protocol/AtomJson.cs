using System.Text;
using System.Text.Json;

namespace Synclets.Protocol;

/// <summary>
/// Atoms and addresses as JSON text, exactly as the JavaScript reference writes them (so a
/// storage written by either side reads the same): <c>"text"</c>, <c>1.5</c>, <c>["a","b"]</c>.
/// This is <c>JSON.stringify</c>'s text to the character, U+2028 and U+2029 included (written raw,
/// where the wire escapes them), because the JavaScript connectors find a row by this text.
/// </summary>
public static class AtomJson
{
    /// <summary>The atom's JSON text; an absent atom is the U+FFFC string.</summary>
    public static string Write(Atom atom)
    {
        var builder = new StringBuilder();
        JsonText.WriteAtom(builder, atom, escapeLineSeparators: false);
        return builder.ToString();
    }

    /// <summary>An address as a JSON array of strings.</summary>
    public static string WriteAddress(IReadOnlyList<string> address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var builder = new StringBuilder(address.Count * 8);
        builder.Append('[');
        for (var i = 0; i < address.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            JsonText.WriteString(builder, address[i], escapeLineSeparators: false);
        }

        return builder.Append(']').ToString();
    }

    /// <summary>Reads an atom's JSON text (a string, number, boolean or null; the U+FFFC string is absent).</summary>
    /// <exception cref="FormatException">The text is not one JSON primitive.</exception>
    public static Atom Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        try
        {
            if (!reader.Read())
            {
                throw new FormatException("An atom's JSON text is empty.");
            }

            var atom = reader.TokenType switch
            {
                JsonTokenType.String => JsonStringReader.ReadAtom(ref reader),
                JsonTokenType.Number => Atom.FromNumber(reader.GetDouble()),
                JsonTokenType.True => Atom.FromBoolean(true),
                JsonTokenType.False => Atom.FromBoolean(false),
                JsonTokenType.Null => Atom.Null,
                _ => throw new FormatException($"'{Shorten(json)}' is not an atom: an atom is a JSON string, number, boolean or null."),
            };
            if (reader.Read())
            {
                throw new FormatException($"'{Shorten(json)}' holds more than one JSON value.");
            }

            return atom;
        }
        catch (JsonException exception)
        {
            throw new FormatException($"'{Shorten(json)}' is not valid JSON: {exception.Message}", exception);
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
