using Npgsql;

namespace Synclets.PostgreSql;

/// <summary>
/// Stored hashes kept right when another program writes a store's meta table (the advisory lock
/// keeps other Synclets stores out, not psql or an app of your own): a statement-level trigger on
/// the meta table sets a flag row in the hashes table for every session but the store's own, which
/// it knows by a session setting (<see cref="PostgreSqlSession.StoreSessionSetting"/>); the store
/// reads the flag with a hash and, when it is set, rebuilds its hashes from the meta table.
/// Once a statement, so the store's batched writes pay a setting's lookup each, and no more.
/// </summary>
internal static class WrittenElsewhereTrigger
{
    /// <summary>The hashes table's row that says another program wrote the meta table: never a parent's key, which is a JSON array.</summary>
    public const string FlagKey = "written by another program";

    private const string Body = "$synclets_trigger$";

    /// <summary>Creates (or replaces) the trigger's function <paramref name="function"/> in the schema, and the trigger on <paramref name="meta"/> if it has none.</summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, string schema, string meta, string hashes, string function, CancellationToken cancellationToken)
    {
        if (hashes.Contains(Body, StringComparison.Ordinal))
        {
            throw new PostgreSqlStoreException($"The table name {hashes} contains '{Body}', which the store's trigger cannot quote. Choose another name.");
        }

        var qualified = schema + "." + PostgreSqlSchema.Quote(function);
        await RunAsync(connection, $"""
            CREATE OR REPLACE FUNCTION {qualified}() RETURNS trigger LANGUAGE plpgsql AS {Body}
            BEGIN
              IF current_setting('{PostgreSqlSession.StoreSessionSetting}', true) IS DISTINCT FROM 'on' THEN
                INSERT INTO {hashes} ("parent", "hash") VALUES ('{FlagKey}', 1)
                  ON CONFLICT ("parent") DO UPDATE SET "hash" = 1;
              END IF;
              RETURN NULL;
            END
            {Body}
            """, cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2", connection);
        exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = meta });
        exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = function });
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 0L)
        {
            await RunAsync(connection, $"CREATE TRIGGER {PostgreSqlSchema.Quote(function)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {meta} FOR EACH STATEMENT EXECUTE FUNCTION {qualified}()", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RunAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
