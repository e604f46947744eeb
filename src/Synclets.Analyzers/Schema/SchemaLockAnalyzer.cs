using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Synclets.Generators.Emit;
using Synclets.Generators.Shape;

namespace Synclets.Analyzers.Schema;

/// <summary>
/// Guards the ids an app has shipped against changes that would strand data: the columns of
/// depth-2 row records (their typed SQLite tables), the atom ids of depth-1 records and the table
/// ids of depth-3 containers. Compares each with the lines of <c>synclets.schema.txt</c> (an
/// additional file). A project without that file is not checked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SchemaLockAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property holding the line that SYNC012's code fix adds.</summary>
    public const string LineProperty = "line";

    /// <summary>The diagnostic property holding every line the record is missing, one per line.</summary>
    public const string AllLinesProperty = "lines";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ShippedColumnGone,
        DiagnosticDescriptors.ColumnNotInSchema,
        DiagnosticDescriptors.ColumnTypeChanged,
        DiagnosticDescriptors.UnreadableSchemaLine);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var syncTree = start.Compilation.GetTypeByMetadataName(ShapeReader.SyncTreeAttribute);
            var schema = SchemaFile.Find(start.Options.AdditionalFiles, start.CancellationToken);
            if (syncTree is null || schema is null)
            {
                return;
            }

            var shipped = schema.Lines
                .GroupBy(line => line.Table, System.StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.ToDictionary(line => line.Column, System.StringComparer.Ordinal), System.StringComparer.Ordinal);
            var current = new ConcurrentDictionary<string, (Location Location, HashSet<string> Columns)>(System.StringComparer.Ordinal);
            start.RegisterSymbolAction(symbol => AnalyzeRecord(symbol, syncTree, shipped, current), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => ReportGoneColumns(end, schema, shipped, current));
        });
    }

    /// <summary>SYNC012 and SYNC013 for one row record; remembers its columns for SYNC011.</summary>
    private static void AnalyzeRecord(
        SymbolAnalysisContext context,
        INamedTypeSymbol syncTree,
        Dictionary<string, Dictionary<string, SchemaLine>> shipped,
        ConcurrentDictionary<string, (Location, HashSet<string>)> current)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, syncTree));
        if (attribute is null)
        {
            return;
        }

        var (model, problems) = ShapeReader.Read(type, attribute, context.CancellationToken);
        if (model is null || problems.Count > 0 || model.Depth is < 1 or > 3 || (model.Depth == 2 && model.Key is null))
        {
            return; // Only a valid typed tree has ids to guard; SyncTreeAnalyzer reports the rest.
        }

        // What data is kept under, per shape: a row's key and columns, a record's atoms, a container's tables.
        var table = model.TypeName;
        var columns = new List<(string Id, string Property, string Type)>();
        if (model.Depth == 3)
        {
            columns.AddRange(model.Tables.Select(t => (t.Id, t.PropertyName, SchemaLine.TableType)));
        }
        else
        {
            if (model.Key is { } key)
            {
                columns.Add((key.Id, key.PropertyName, SchemaLine.KeyType));
            }

            columns.AddRange(model.Columns.Select(column => (column.Id, column.PropertyName, SqlTypes.Of(column).SqlType)));
        }

        current[table] = (type.Locations.FirstOrDefault() ?? Location.None, new HashSet<string>(columns.Select(c => c.Id), System.StringComparer.Ordinal));

        shipped.TryGetValue(table, out var lines);
        var missing = columns.Where(c => lines is null || !lines.ContainsKey(c.Id)).ToList();
        var allMissing = string.Join("\n", missing.Select(c => SchemaLine.Format(table, c.Id, c.Type)));
        foreach (var (id, property, sqlType) in columns)
        {
            var location = PropertyLocation(type, property) ?? type.Locations.FirstOrDefault() ?? Location.None;
            if (lines is not null && lines.TryGetValue(id, out var line))
            {
                if (line.Type != sqlType)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ColumnTypeChanged, location, table, id, line.Type, sqlType));
                }

                continue;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(LineProperty, SchemaLine.Format(table, id, sqlType))
                .Add(AllLinesProperty, allMissing);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ColumnNotInSchema, location, properties, id, table, SchemaLine.Format(table, id, sqlType)));
        }
    }

    /// <summary>SYNC011 for every shipped column no record maps to any more, and SYNC014 for lines that mean nothing.</summary>
    private static void ReportGoneColumns(
        CompilationAnalysisContext context,
        SchemaFile schema,
        Dictionary<string, Dictionary<string, SchemaLine>> shipped,
        ConcurrentDictionary<string, (Location Location, HashSet<string> Columns)> current)
    {
        foreach (var (location, text) in schema.Unreadable)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnreadableSchemaLine, location, text));
        }

        foreach (var table in shipped)
        {
            if (!current.TryGetValue(table.Key, out var record))
            {
                foreach (var line in table.Value.Values)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.ShippedColumnGone,
                        line.Location,
                        line.Table,
                        line.Column,
                        $"no valid [SyncTree] type is named '{line.Table}' any more (its data is kept under its name or its ids). If you renamed the record, rename it back or move its rows yourself; if you removed it on purpose, delete its lines from {SchemaFile.FileName}"));
                }

                continue;
            }

            foreach (var line in table.Value.Values.Where(line => !record.Columns.Contains(line.Column)))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ShippedColumnGone,
                    record.Location,
                    line.Table,
                    line.Column,
                    $"no property maps to the id '{line.Column}' any more. If you renamed the property, keep its id with [SyncColumn(\"{line.Column}\")]; if you removed it on purpose, delete the line from {SchemaFile.FileName}"));
            }
        }
    }

    private static Location? PropertyLocation(INamedTypeSymbol type, string property) =>
        type.GetMembers(property).OfType<IPropertySymbol>().FirstOrDefault()?.Locations.FirstOrDefault();
}
