using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Synclets.Generators.Emit;
using Synclets.Generators.Shape;

namespace Synclets.Generators;

/// <summary>
/// For each <c>[SyncTree]</c> type: reads its shape into a plain model, then writes its mapping
/// to atoms and its typed store. A type with problems gets nothing; the analyzer reports them.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SyncTreeGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ShapeReader.SyncTreeAttribute,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (syntax, cancellationToken) => ShapeReader.Read((INamedTypeSymbol)syntax.TargetSymbol, syntax.Attributes[0], cancellationToken).Model)
            .WithTrackingName(TrackingNames.Shapes)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.ValidShapes);

        context.RegisterSourceOutput(models, static (output, model) => output.AddSource(model.HintName, TreeEmitter.Emit(model)));
    }
}
