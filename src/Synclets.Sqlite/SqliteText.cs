namespace Synclets.Sqlite;

/// <summary>
/// What a SQLite TEXT column can keep. SQLite stores text as UTF-8, which has no form for half of a
/// UTF-16 surrogate pair (a .NET or JavaScript string cut between the two): such text would come
/// back with U+FFFD in its place, a different value under the same timestamp, which peers would
/// never notice to repair. It is refused instead, with an error that says where.
/// </summary>
internal static class SqliteText
{
    /// <summary>The error for text that <see cref="Ids.HasUnpairedSurrogate"/>.</summary>
    /// <param name="what">What the text is, for the message ("The row id 'r1' of table Item").</param>
    public static SqliteStoreException Refused(string what) =>
        new($"{what} holds half of a UTF-16 surrogate pair (a string cut between the two), which a SQLite TEXT column cannot keep. Write whole characters.");
}
