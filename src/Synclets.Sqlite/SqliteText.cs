namespace Synclets.Sqlite;

/// <summary>
/// What a SQLite TEXT column can keep. SQLite stores text as UTF-8, which has no form for half of a
/// UTF-16 surrogate pair (a .NET or JavaScript string cut between the two): such text would come
/// back with U+FFFD in its place, a different value under the same timestamp, which peers would
/// never notice to repair. It is refused instead, with an error that says where.
/// </summary>
internal static class SqliteText
{
    /// <summary>The error for text that <see cref="HasUnpairedSurrogate"/>.</summary>
    /// <param name="what">What the text is, for the message ("The row id 'r1' of table Item").</param>
    public static SqliteStoreException Refused(string what) =>
        new($"{what} holds half of a UTF-16 surrogate pair (a string cut between the two), which a SQLite TEXT column cannot keep. Write whole characters.");

    /// <summary>True when <paramref name="text"/> cannot be kept exactly in a TEXT column.</summary>
    public static bool HasUnpairedSurrogate(string text)
    {
        var span = text.AsSpan();
        for (var i = span.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++; // A whole pair.
            }
            else if (char.IsSurrogate(span[i]))
            {
                return true;
            }
        }

        return false;
    }
}
