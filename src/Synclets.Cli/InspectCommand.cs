using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Synclets.Sqlite;

namespace Synclets.Cli;

/// <summary><c>synclets inspect FILE</c>: what a SQLite store holds.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The SQLite store." };
        var limit = new Option<int>("--limit") { Description = "Show at most this many entries per level.", DefaultValueFactory = _ => 20 };
        var command = new Command("inspect", "Show what a SQLite store holds: depth, counts per level, newest changes, and a tree or table view.") { file, limit };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(file)!, parse.GetValue(limit), cancellationToken));
        return command;
    }

    /// <summary>JSON as the protocol writes it (JavaScript's escaping): '+' is '+', not '\u002B'.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static async Task<int> RunAsync(FileInfo file, int limit, CancellationToken cancellationToken)
    {
        if (await SqliteStore.ReadDepthAsync(file.FullName, cancellationToken: cancellationToken) is not { } depth)
        {
            if (TypedTables.Find(file.FullName) is { Count: > 0 } typed)
            {
                InspectTyped(file, typed, limit);
                return 0;
            }

            await Console.Error.WriteLineAsync($"'{file.FullName}' does not exist or holds no Synclets store (neither the generic tables nor a typed table with its _meta and _hashes).");
            return 2;
        }

        // Read-only: inspecting another app's file must not add our tables or switch its journal mode.
        await using var store = await SqliteStore.OpenAsync(file.FullName, depth, new SqliteStoreOptions { ReadOnly = true }, cancellationToken);
        await using var synclet = new Synclet(store.Data, store.Meta);
        var data = await synclet.GetDataAsync(cancellationToken);
        var meta = await synclet.GetMetaAsync(cancellationToken);
        var timestamps = Leaves(meta, []).ToList();
        var atoms = Leaves(data, []).Count();

        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(file.Name)}[/]: depth {depth}, {atoms} atoms, {timestamps.Count - atoms} deleted, root hash {await synclet.GetHashAsync([], cancellationToken)}");
        var levels = new Table().AddColumn("level").AddColumn("distinct ids");
        for (var level = 1; level <= depth; level++)
        {
            levels.AddRow(level.ToString(System.Globalization.CultureInfo.InvariantCulture), timestamps.Select(t => string.Join('\u0001', t.Address.Take(level))).Distinct().Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(levels);
        var newest = new Table().AddColumn("newest changes").AddColumn("timestamp").AddColumn("time (UTC)");
        foreach (var (address, timestamp) in timestamps.OrderByDescending(t => t.Value, StringComparer.Ordinal).Take(5).Select(t => (t.Address, t.Value)))
        {
            newest.AddRow(Markup.Escape(Synclets.Protocol.AtomJson.WriteAddress(address)), Markup.Escape(timestamp), TimeOf(timestamp));
        }

        AnsiConsole.Write(newest);
        if (depth == 2)
        {
            AnsiConsole.Write(TableView(data, limit));
        }
        else
        {
            var tree = new Tree(Markup.Escape(file.Name));
            AddBranches(tree.AddNode("data"), data, limit);
            AnsiConsole.Write(tree);
        }

        return 0;
    }

    /// <summary>A timestamp's time, as a person reads it (its counter and client id are left out).</summary>
    private static string TimeOf(string timestamp) =>
        Timestamp.TryDecode(timestamp, out var milliseconds, out _)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)
            : "-";

    private static void InspectTyped(FileInfo file, IReadOnlyList<TypedTables.Table> tables, int limit)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(file.Name)}[/]: typed tables {Markup.Escape(string.Join(", ", tables.Select(t => $"{t.Name} ({t.Rows} rows)")))}");
        foreach (var typed in tables)
        {
            var newest = new Table().Title(Markup.Escape(typed.Name)).AddColumn("newest changes").AddColumn("timestamp").AddColumn("time (UTC)");
            foreach (var (row, column, timestamp) in TypedTables.Newest(file.FullName, typed, 5))
            {
                newest.AddRow(Markup.Escape($"[{row}, {column}]"), Markup.Escape(timestamp), TimeOf(timestamp));
            }

            AnsiConsole.Write(newest);
            var rows = new Table().AddColumn(Markup.Escape(typed.Key));
            foreach (var column in typed.Columns)
            {
                rows.AddColumn(Markup.Escape(column));
            }

            foreach (var row in TypedTables.Rows(file.FullName, typed, limit))
            {
                rows.AddRow([.. row.Select(value => Markup.Escape(value ?? "-"))]);
            }

            if (typed.Rows > limit)
            {
                rows.Caption($"{limit} of {typed.Rows} rows (--limit)");
            }

            AnsiConsole.Write(rows);
        }
    }

    private static Table TableView(JsonObject data, int limit)
    {
        var columns = data.Select(row => row.Value).OfType<JsonObject>().SelectMany(row => row.Select(cell => cell.Key)).Distinct().Order(StringComparer.Ordinal).ToList();
        var table = new Table().AddColumn("row");
        foreach (var column in columns)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (var (rowId, row) in data.Take(limit))
        {
            table.AddRow([Markup.Escape(rowId), .. columns.Select(column => Markup.Escape(row is JsonObject cells && cells[column] is { } cell ? cell.ToJsonString(Readable) : "-"))]);
        }

        if (data.Count > limit)
        {
            table.Caption($"{limit} of {data.Count} rows (--limit)");
        }

        return table;
    }

    private static void AddBranches(IHasTreeNodes parent, JsonObject branch, int limit)
    {
        foreach (var (id, child) in branch.Take(limit))
        {
            if (child is JsonObject next)
            {
                AddBranches(parent.AddNode(Markup.Escape(id)), next, limit);
            }
            else
            {
                parent.AddNode($"{Markup.Escape(id)} = {Markup.Escape(child?.ToJsonString(Readable) ?? "null")}");
            }
        }

        if (branch.Count > limit)
        {
            parent.AddNode($"[grey]... {branch.Count - limit} more[/]");
        }
    }

    private static IEnumerable<(string[] Address, string Value)> Leaves(JsonObject branch, string[] prefix)
    {
        foreach (var (id, child) in branch)
        {
            if (child is JsonObject next)
            {
                foreach (var leaf in Leaves(next, [.. prefix, id]))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return ([.. prefix, id], child?.ToJsonString().Trim('"') ?? "null");
            }
        }
    }
}
