using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Synclets.Generators.Shape;

namespace Synclets.CodeFixes;

/// <summary>Fixes SYNC012: appends the column's line (or every line the record is missing) to synclets.schema.txt.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddToSchemaCodeFix)), Shared]
public sealed class AddToSchemaCodeFix : CodeFixProvider
{
    // The analyzer's names, repeated: this assembly does not reference the analyzers'.
    private const string SchemaFileName = "synclets.schema.txt";
    private const string LineProperty = "line";
    private const string AllLinesProperty = "lines";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ColumnNotInSchema);

    /// <inheritdoc/>
    /// <remarks>Fix All appends every missing line of the scope at once (the file is one document of the project, not the code that raised the diagnostics).</remarks>
    public override FixAllProvider GetFixAllProvider() => AppendAllLines.Instance;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var schema = context.Document.Project.AdditionalDocuments
            .FirstOrDefault(document => string.Equals(Path.GetFileName(document.FilePath ?? document.Name), SchemaFileName, StringComparison.OrdinalIgnoreCase));
        var diagnostic = context.Diagnostics[0];
        if (schema is null
            || !diagnostic.Properties.TryGetValue(LineProperty, out var line) || line is null
            || !diagnostic.Properties.TryGetValue(AllLinesProperty, out var all) || all is null)
        {
            return Task.CompletedTask;
        }

        context.RegisterCodeFix(
            CodeAction.Create($"Add '{line}' to {SchemaFileName}", token => AppendAsync(schema, line, token), nameof(AddToSchemaCodeFix) + line),
            diagnostic);
        var count = all.Split('\n').Length;
        if (count > 1)
        {
            context.RegisterCodeFix(
                CodeAction.Create($"Add all {count} missing columns of '{line.Substring(0, line.IndexOf('.'))}' to {SchemaFileName}", token => AppendAsync(schema, all, token), nameof(AddToSchemaCodeFix) + all),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Solution> AppendAsync(TextDocument schema, string lines, CancellationToken cancellationToken)
    {
        var text = await schema.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var content = text.ToString();
        var separator = content.Length == 0 || content.EndsWith("\n", StringComparison.Ordinal) ? string.Empty : "\n";
        var updated = SourceText.From(content + separator + lines + "\n", text.Encoding);
        return schema.Project.Solution.WithAdditionalDocumentText(schema.Id, updated);
    }

    /// <summary>Fix All for SYNC012: the lines of every diagnostic in the scope, appended to synclets.schema.txt in one change.</summary>
    private sealed class AppendAllLines : FixAllProvider
    {
        public static readonly AppendAllLines Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var project = fixAllContext.Project;
            var schema = project.AdditionalDocuments
                .FirstOrDefault(document => string.Equals(Path.GetFileName(document.FilePath ?? document.Name), SchemaFileName, StringComparison.OrdinalIgnoreCase));
            if (schema is null)
            {
                return null;
            }

            var diagnostics = fixAllContext.Scope == FixAllScope.Document && fixAllContext.Document is { } document
                ? await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false)
                : await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
            var lines = diagnostics
                .Select(diagnostic => diagnostic.Properties.TryGetValue(LineProperty, out var line) ? line : null)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .OrderBy(line => line, StringComparer.Ordinal)
                .ToList();
            return lines.Count == 0
                ? null
                : CodeAction.Create($"Add {lines.Count} missing columns to {SchemaFileName}", token => AppendAsync(schema, string.Join("\n", lines), token), nameof(AppendAllLines));
        }
    }
}
