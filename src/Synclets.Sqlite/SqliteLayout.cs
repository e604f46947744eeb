using Microsoft.Data.Sqlite;
using Synclets.Protocol;

namespace Synclets.Sqlite;

/// <summary>
/// What keeps a generic store's file the JavaScript connectors' and its stored hashes right after
/// any writer.
/// <list type="bullet">
/// <item>Timestamps are JSON text, quotes included (<c>"P7rX..."</c>), as the reference stores them;
/// files of this library's 0.1 layout (bare timestamps) are converted once, on open.</item>
/// <item>The hash table is ours: another writer (a JavaScript app, the <c>sqlite3</c> shell) never
/// updates it. Triggers on the meta table, plain SQL that runs in every writer's connection, set
/// a flag row when the meta table changes; the store's own connection runs with triggers off
/// (its writes keep the hashes themselves), so a set flag means someone else wrote, and the store
/// rebuilds every hash and clears it, in one transaction.</item>
/// </list>
/// Two rows of the hash table hold this state under keys that are not addresses (an address is a
/// JSON array): <c>layout</c> and <c>changed</c>.
/// </summary>
internal static class SqliteLayout
{
    /// <summary>The key of the row holding the layout's version.</summary>
    public const string LayoutKey = "layout";

    /// <summary>The key of the row that is 1 when the meta table changed since this store last committed.</summary>
    public const string ChangedKey = "changed";

    /// <summary>The layout version with JSON-encoded timestamps and the change triggers.</summary>
    private const long CurrentLayout = 2;

    /// <summary>
    /// Converts bare timestamps, installs the triggers and the flag row, in <paramref name="transaction"/>.
    /// Returns true when the stored hashes cannot be trusted (a file from elsewhere, an older layout,
    /// or changes made while no store of ours had it open) and must be rebuilt.
    /// </summary>
    public static bool Upgrade(SqliteConnection connection, SqliteStoreOptions options, SqliteTransaction transaction)
    {
        var hashes = SqliteSchema.Quote(options.HashTable);
        var meta = SqliteSchema.Quote(options.MetaTable);
        var timestamp = SqliteSchema.Quote(options.TimestampColumn);
        var layout = connection.ReadInteger($"SELECT \"hash\" FROM {hashes} WHERE \"parent\" = '{LayoutKey}'", transaction) ?? 0;
        if (layout < CurrentLayout)
        {
            // Timestamps are 16 characters of a URL-safe alphabet: json_quote only adds the quotes.
            connection.Run($"UPDATE {meta} SET {timestamp} = json_quote({timestamp}) WHERE {timestamp} NOT LIKE '\"%'", transaction);
            connection.Run($"INSERT INTO {hashes} (\"parent\", \"hash\") VALUES ('{LayoutKey}', {CurrentLayout}), ('{ChangedKey}', 1) ON CONFLICT (\"parent\") DO UPDATE SET \"hash\" = excluded.\"hash\"", transaction);
        }

        var flag = $"UPDATE {hashes} SET \"hash\" = 1 WHERE \"parent\" = '{ChangedKey}' AND \"hash\" = 0;";
        foreach (var (name, when) in new[] { ("insert", "INSERT"), ("update", $"UPDATE OF {timestamp}"), ("delete", "DELETE") })
        {
            var trigger = SqliteSchema.Quote($"{options.HashTable}_after_{name}");
            connection.Run($"CREATE TRIGGER IF NOT EXISTS {trigger} AFTER {when} ON {meta} BEGIN {flag} END", transaction);
        }

        return connection.ReadInteger($"SELECT \"hash\" FROM {hashes} WHERE \"parent\" = '{ChangedKey}'", transaction) != 0;
    }

    /// <summary>A timestamp as the meta table holds it, read back: the JSON string's text (or, in a 0.1 file opened read-only, the bare text).</summary>
    public static string ReadTimestamp(string stored)
    {
        if (stored.Length < 2 || stored[0] != '"')
        {
            return stored;
        }

        return stored.Contains('\\', StringComparison.Ordinal) ? AtomJson.Parse(stored).AsString() : stored[1..^1];
    }

    /// <summary>Every parent's hash (its key is the parent's address as JSON text), computed from the meta table.</summary>
    public static Dictionary<string, uint> ComputeHashes(SqliteConnection connection, int depth, SqliteStoreOptions options)
    {
        var levels = string.Join(", ", Enumerable.Range(1, depth).Select(level => SqliteSchema.Quote(SqliteSchema.Level(options, level))));
        var hashes = new Dictionary<string, uint>(StringComparer.Ordinal);
        using var rows = new RawStatement(connection, $"SELECT {levels}, {SqliteSchema.Quote(options.TimestampColumn)} FROM {SqliteSchema.Quote(options.MetaTable)}");
        var address = new string[depth];
        while (rows.Read())
        {
            for (var level = 0; level < depth; level++)
            {
                address[level] = rows.GetString(level);
            }

            var delta = Fnv1a.Hash(ReadTimestamp(rows.GetString(depth)));
            for (var length = 0; length < depth; length++)
            {
                var parent = AtomJson.WriteAddress(address[..length]);
                hashes[parent] = (hashes.TryGetValue(parent, out var hash) ? hash : 0) ^ delta;
            }
        }

        return hashes;
    }
}
