using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Synclets.Generators.Shape;

namespace Synclets.CodeFixes;

/// <summary>Fixes SYNC004: offers to mark each string-like property (or positional parameter) as the row key.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MarkKeyCodeFix)), Shared]
public sealed class MarkKeyCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingKey);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var diagnostic = context.Diagnostics[0];
        var declaration = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
        if (declaration is null)
        {
            return;
        }

        foreach (var parameter in declaration.ParameterList?.Parameters ?? default)
        {
            var name = parameter.Identifier.Text;
            var target = parameter;
            context.RegisterCodeFix(
                CodeAction.Create($"Mark '{name}' as the row key", token => ReplaceAsync(context.Document, target, AddKey(target, property: true), token), nameof(MarkKeyCodeFix) + name),
                diagnostic);
        }

        foreach (var property in declaration.Members.OfType<PropertyDeclarationSyntax>().Where(p => p.Modifiers.Any(SyntaxKind.PublicKeyword)))
        {
            var name = property.Identifier.Text;
            var target = property;
            context.RegisterCodeFix(
                CodeAction.Create($"Mark '{name}' as the row key", token => ReplaceAsync(context.Document, target, AddKey(target), token), nameof(MarkKeyCodeFix) + name),
                diagnostic);
        }
    }

    private static ParameterSyntax AddKey(ParameterSyntax parameter, bool property)
    {
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.ParseName("SyncKey"))))
            .WithTarget(property ? SyntaxFactory.AttributeTargetSpecifier(SyntaxFactory.Token(SyntaxKind.PropertyKeyword)) : null)
            .WithTrailingTrivia(SyntaxFactory.Space);
        return parameter.WithAttributeLists(parameter.AttributeLists.Add(list));
    }

    private static PropertyDeclarationSyntax AddKey(PropertyDeclarationSyntax property)
    {
        var indentation = property.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault();
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.ParseName("SyncKey"))))
            .WithLeadingTrivia(property.GetLeadingTrivia())
            .WithTrailingTrivia(SyntaxFactory.EndOfLine("\n"), indentation);
        return property.WithoutLeadingTrivia().WithAttributeLists(property.AttributeLists.Insert(0, list));
    }

    private static async Task<Document> ReplaceAsync(Document document, SyntaxNode old, SyntaxNode updated, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root!.ReplaceNode(old, updated));
    }
}
