using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Synclets.Generators.Shape;

namespace Synclets.Analyzers;

/// <summary>Reports every problem that stops a [SyncTree] type from getting a typed store.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SyncTreeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.NotPartial,
        DiagnosticDescriptors.UnsupportedShape,
        DiagnosticDescriptors.UnsupportedPropertyType,
        DiagnosticDescriptors.MissingKey,
        DiagnosticDescriptors.UnusableKey,
        DiagnosticDescriptors.NotATable,
        DiagnosticDescriptors.DuplicateId,
        DiagnosticDescriptors.NotSettable,
        DiagnosticDescriptors.ReservedId,
        DiagnosticDescriptors.UnreachableNesting,
        DiagnosticDescriptors.TableOutsideContainer,
        DiagnosticDescriptors.UnusableIndex,
        DiagnosticDescriptors.SqlColumnClash);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Resolve our attribute once per compilation; without it there is nothing to check.
            var syncTree = start.Compilation.GetTypeByMetadataName(ShapeReader.SyncTreeAttribute);
            if (syncTree is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, syncTree), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol syncTree)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, syncTree));
        if (attribute is null)
        {
            return;
        }

        var (model, problems) = ShapeReader.Read(type, attribute, context.CancellationToken);
        foreach (var problem in problems)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ById(problem.Id), problem.Location, problem.Arguments));
        }

        if (model is { Depth: 2, Key: { } key })
        {
            ReportSqlColumnClashes(context, type, model, key);
        }
    }

    /// <summary>
    /// A warning, not an error: ids that differ only in case are distinct atoms in memory, in the
    /// generic layout and on the wire; only a typed SQLite table (which refuses them on open) cannot hold both.
    /// </summary>
    private static void ReportSqlColumnClashes(SymbolAnalysisContext context, INamedTypeSymbol type, TreeModel model, ColumnModel key)
    {
        var taken = new System.Collections.Generic.Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase)
        {
            [key.Id] = $"the key column '{key.Id}'",
            ["absent"] = "the table's own 'absent' column",
        };
        foreach (var column in model.Columns)
        {
            if (!taken.TryGetValue(column.Id, out var clash))
            {
                taken[column.Id] = $"the same column as '{column.Id}'";
                continue;
            }

            var location = type.GetMembers(column.PropertyName).FirstOrDefault()?.Locations.FirstOrDefault() ?? type.Locations.FirstOrDefault() ?? Location.None;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SqlColumnClash, location, column.Id, type.Name, clash));
        }
    }
}
