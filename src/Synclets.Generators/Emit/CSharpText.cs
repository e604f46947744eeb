using System.Globalization;
using System.Text;

namespace Synclets.Generators.Emit;

/// <summary>
/// User text (ids from <c>[SyncColumn("...")]</c> and property names turned into ids) as it may
/// appear in generated C#: any id is legal data, so nothing a user writes can break the code we emit.
/// </summary>
internal static class CSharpText
{
    /// <summary>A regular C# string literal, quotes included, that evaluates to <paramref name="text"/>.</summary>
    public static string Literal(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                default: AppendVisible(builder, text, ref i); break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Text for an XML doc comment: markup characters escaped, anything unprintable as <c>\uXXXX</c>.</summary>
    public static string InDocComment(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                default: AppendVisible(builder, text, ref i); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Appends <c>text[i]</c> as it is, or as <c>\uXXXX</c> when it is a control or format
    /// character, a line or paragraph separator, or half of a surrogate pair standing alone: the
    /// generated source stays one line per statement and encodes to UTF-8 without loss. A whole
    /// pair (an emoji, say) is appended as it is, both halves at once.
    /// </summary>
    private static void AppendVisible(StringBuilder builder, string text, ref int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            builder.Append(c).Append(text[++i]);
        }
        else if (char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
        {
            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            builder.Append(c);
        }
    }
}
