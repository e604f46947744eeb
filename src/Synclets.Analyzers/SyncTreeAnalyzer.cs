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
        DiagnosticDescriptors.UnusableIndex);

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

        foreach (var problem in ShapeReader.Read(type, attribute, context.CancellationToken).Problems)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ById(problem.Id), problem.Location, problem.Arguments));
        }
    }
}
