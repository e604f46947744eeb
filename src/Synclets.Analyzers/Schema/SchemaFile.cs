using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Synclets.Analyzers.Schema;

/// <summary>
/// The columns an app has shipped, read from its <c>synclets.schema.txt</c>: one line per column,
/// <c>Table.column TYPE</c> (TYPE is the SQLite type, KEY for the row key, or TABLE for a
/// depth-3 container's table; a depth-1 record's atoms are lines too; the column id may
/// hold spaces and dots, not <c>#</c>); <c>#</c> starts a comment. A database written by an earlier version has exactly these columns, so a line whose
/// property is gone means a column that silently stops syncing.
/// </summary>
internal sealed class SchemaFile
{
    /// <summary>The file name the analyzer looks for among the additional files.</summary>
    public const string FileName = "synclets.schema.txt";

    private SchemaFile(string path, List<SchemaLine> lines, List<(Location Location, string Text)> unreadable)
    {
        Path = path;
        Lines = lines;
        Unreadable = unreadable;
    }

    public string Path { get; }

    /// <summary>The column lines, in file order.</summary>
    public IReadOnlyList<SchemaLine> Lines { get; }

    /// <summary>Lines that are neither a column, a comment nor blank.</summary>
    public IReadOnlyList<(Location Location, string Text)> Unreadable { get; }

    /// <summary>The schema file among <paramref name="files"/>, or null when the project has none (then nothing is checked).</summary>
    public static SchemaFile? Find(IEnumerable<AdditionalText> files, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            if (string.Equals(System.IO.Path.GetFileName(file.Path), FileName, StringComparison.OrdinalIgnoreCase)
                && file.GetText(cancellationToken) is { } text)
            {
                return Parse(file.Path, text);
            }
        }

        return null;
    }

    public static SchemaFile Parse(string path, SourceText text)
    {
        var lines = new List<SchemaLine>();
        var unreadable = new List<(Location, string)>();
        foreach (var line in text.Lines)
        {
            var content = line.ToString();
            var comment = content.IndexOf('#');
            var meaningful = (comment >= 0 ? content.Substring(0, comment) : content).Trim();
            if (meaningful.Length == 0)
            {
                continue;
            }

            // The type is the last word; before it, the table (an identifier) and, after its first
            // dot, the column id, which may hold spaces or dots of its own.
            var location = Location.Create(path, line.Span, text.Lines.GetLinePositionSpan(line.Span));
            var lastSpace = meaningful.LastIndexOfAny([' ', '\t']);
            var name = lastSpace > 0 ? meaningful.Substring(0, lastSpace).TrimEnd() : string.Empty;
            var dot = name.IndexOf('.');
            if (dot <= 0 || dot == name.Length - 1)
            {
                unreadable.Add((location, meaningful));
                continue;
            }

            lines.Add(new SchemaLine(name.Substring(0, dot), name.Substring(dot + 1), meaningful.Substring(lastSpace + 1), location));
        }

        return new SchemaFile(path, lines, unreadable);
    }
}

/// <summary>One shipped column: its table, its id, its SQLite type (or KEY), and where the line is.</summary>
internal sealed record SchemaLine(string Table, string Column, string Type, Location Location)
{
    public const string KeyType = "KEY";

    /// <summary>The type of a depth-3 container's line: one of its tables, by id.</summary>
    public const string TableType = "TABLE";

    /// <summary>The line as written in the file.</summary>
    public static string Format(string table, string column, string type) => table + "." + column + " " + type;
}
