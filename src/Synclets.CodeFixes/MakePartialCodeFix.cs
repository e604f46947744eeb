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

/// <summary>Fixes SYNC001 and SYNC010: adds the partial modifier to the type declaration.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NotPartial, DiagnosticIds.UnreachableNesting);

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

        if (diagnostic.Id == DiagnosticIds.UnreachableNesting)
        {
            // The problem is an outer type: make the nearest non-partial ancestor partial.
            declaration = declaration.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (declaration is null)
            {
                return;
            }
        }

        var target = declaration;
        context.RegisterCodeFix(
            CodeAction.Create($"Make '{target.Identifier.Text}' partial", token => MakePartialAsync(context.Document, target, token), nameof(MakePartialCodeFix) + diagnostic.Id),
            diagnostic);
    }

    private static async Task<Document> MakePartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        TypeDeclarationSyntax updated;
        if (declaration.Modifiers.Count == 0)
        {
            // Keep the leading trivia (comments, attributes' line) in front of the new modifier.
            updated = declaration.WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(declaration.Keyword.LeadingTrivia)))
                .WithKeyword(declaration.Keyword.WithLeadingTrivia());
        }
        else
        {
            updated = declaration.WithModifiers(declaration.Modifiers.Add(partial));
        }

        return document.WithSyntaxRoot(root!.ReplaceNode(declaration, updated));
    }
}
