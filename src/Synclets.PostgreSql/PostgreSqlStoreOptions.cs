namespace Synclets.PostgreSql;

/// <summary>Where a <see cref="PostgreSqlStore"/> keeps its tables. The table and column names are the JavaScript reference's.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>
    /// The schema that holds the store's tables, created on first use: one schema per store (a
    /// room, an app), so stores never share a table and dropping a schema drops a store.
    /// </summary>
    public string Schema { get; init; } = "synclets";

    /// <summary>The data table.</summary>
    public string DataTable { get; init; } = "data";

    /// <summary>The meta (timestamps) table.</summary>
    public string MetaTable { get; init; } = "meta";

    /// <summary>The table of stored parent hashes (ours; built from the meta table when missing).</summary>
    public string HashTable { get; init; } = "meta_hashes";

    /// <summary>
    /// The options of a server room's store: a schema named after the room, <c>room_</c> and its
    /// name in lower-case letters, digits and underscores, with a hash of the name when it had other
    /// characters or would be longer than PostgreSQL's 63-byte identifiers, so that every room name
    /// gets a schema of its own and the same one every time.
    /// </summary>
    public static PostgreSqlStoreOptions ForRoom(string room)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var plain = new string([.. room.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_')]);
        var schema = "room_" + plain;
        if (plain != room || schema.Length > 63)
        {
            var hash = Fnv1a.Hash(room).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
            schema = "room_" + plain[..Math.Min(plain.Length, 63 - 5 - 9)] + "_" + hash;
        }

        return new PostgreSqlStoreOptions { Schema = schema };
    }

    /// <summary>The defaults.</summary>
    public static PostgreSqlStoreOptions Default { get; } = new();
}
