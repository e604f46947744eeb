using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Synclets.Analyzers;
using Synclets.Analyzers.Schema;

namespace Synclets.Generators.Tests.Support;

/// <summary>
/// Runs the analyzer over markup source, where <c>{|SYNC001:text|}</c> marks each expected
/// diagnostic and its exact span, and applies code fixes in a real workspace.
/// </summary>
public static partial class AnalyzerHarness
{
    public static async Task VerifyAsync(string markup)
    {
        var (source, expected) = ParseMarkup(markup);
        AssertSame(source, expected, await Diagnose(TestCompilation.Create(source)));
    }

    /// <summary>
    /// Runs the analyzers with <paramref name="schema"/> as the project's synclets.schema.txt:
    /// checks the diagnostics in the source against the markup and returns those located in the
    /// schema file, for the test to check.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyWithSchemaAsync(string markup, string schema)
    {
        var (source, expected) = ParseMarkup(markup);
        var all = await Diagnose(TestCompilation.Create(source), schema);
        AssertSame(source, expected, [.. all.Where(d => d.Location.IsInSource)]);
        return [.. all.Where(d => !d.Location.IsInSource)];
    }

    /// <summary>Applies the SYNC012 fix titled <paramref name="title"/> in a project with that synclets.schema.txt; returns the file's new text.</summary>
    public static async Task<string> FixSchemaAsync(string source, string schema, CodeFixProvider fix, string title)
    {
        using var workspace = new AdhocWorkspace();
        var project = NewProject(workspace);
        var document = project.AddDocument("Source0.cs", SourceText.From(source));
        var schemaDocument = document.Project.AddAdditionalDocument("synclets.schema.txt", SourceText.From(schema), filePath: "/project/synclets.schema.txt");
        document = schemaDocument.Project.GetDocument(document.Id)!;
        var changed = await ApplyAsync(document, schema, fix, title);
        return (await changed.GetAdditionalDocument(schemaDocument.Id)!.GetTextAsync()).ToString();
    }

    /// <summary>
    /// Runs <paramref name="fix"/>'s Fix All over the whole project, as <c>dotnet format analyzers</c>
    /// and the IDE's "Fix all in project" do; returns the source and the schema file afterwards.
    /// </summary>
    public static async Task<(string Source, string? Schema)> FixAllAsync(string source, string? schema, CodeFixProvider fix, string diagnosticId)
    {
        using var workspace = new AdhocWorkspace();
        var document = NewProject(workspace).AddDocument("Source0.cs", SourceText.From(source));
        TextDocument? schemaDocument = null;
        if (schema is not null)
        {
            schemaDocument = document.Project.AddAdditionalDocument("synclets.schema.txt", SourceText.From(schema), filePath: "/project/synclets.schema.txt");
            document = schemaDocument.Project.GetDocument(document.Id)!;
        }

        var diagnostics = (await Diagnose((await document.Project.GetCompilationAsync())!, schema)).Where(d => d.Id == diagnosticId).ToImmutableArray();
        Assert.True(diagnostics.Length > 1, $"Fix All needs several {diagnosticId} diagnostics to show anything; found {diagnostics.Length}.");
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (action, _) => actions.Add(action), CancellationToken.None));
        var provider = fix.GetFixAllProvider() ?? throw new InvalidOperationException($"{fix.GetType().Name} has no Fix All.");
        var context = new FixAllContext(document, fix, FixAllScope.Project, actions[0].EquivalenceKey, [diagnosticId], new FixedDiagnostics(diagnostics), CancellationToken.None);
        var action = await provider.GetFixAsync(context) ?? throw new InvalidOperationException("Fix All offered nothing.");
        var solution = (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var fixedSource = (await solution.GetDocument(document.Id)!.GetTextAsync()).ToString();
        var fixedSchema = schemaDocument is null ? null : (await solution.GetAdditionalDocument(schemaDocument.Id)!.GetTextAsync()).ToString();
        return (fixedSource, fixedSchema);
    }

    /// <summary>Hands Fix All the diagnostics already computed.</summary>
    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>([]);

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }

    private static Project NewProject(AdhocWorkspace workspace) => workspace.AddProject("UserCode", LanguageNames.CSharp)
        .WithMetadataReferences(TestCompilation.References)
        .WithParseOptions(new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview))
        .WithCompilationOptions(new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    /// <summary>Runs the fix titled <paramref name="title"/> for the first diagnostic it can fix; returns the changed solution.</summary>
    private static async Task<Solution> ApplyAsync(Document document, string? schema, CodeFixProvider fix, string title)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostic = (await Diagnose(compilation, schema)).First(d => fix.FixableDiagnosticIds.Contains(d.Id));
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        var action = actions.SingleOrDefault(a => a.Title == title) ?? throw new InvalidOperationException($"No fix '{title}'; offered: {string.Join(", ", actions.Select(a => a.Title))}");
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        return operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
    }

    private static void AssertSame(string source, List<(string Id, TextSpan Span)> expected, ImmutableArray<Diagnostic> actual)
    {
        var actualText = actual.Select(d => $"{d.Id} at {d.Location.SourceSpan} '{source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}': {d.GetMessage()}").ToList();
        var expectedText = expected.Select(e => $"{e.Id} at {e.Span} '{source.Substring(e.Span.Start, e.Span.Length)}'").ToList();
        Assert.True(
            expected.Count == actual.Length && expected.Zip(actual).All(pair => pair.First.Id == pair.Second.Id && pair.First.Span == pair.Second.Location.SourceSpan),
            $"expected:\n  {string.Join("\n  ", expectedText)}\nactual:\n  {string.Join("\n  ", actualText)}");
        foreach (var diagnostic in actual)
        {
            Assert.EndsWith($"docs/diagnostics/{diagnostic.Id}.md", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
        }
    }

    /// <summary>Every analyzer diagnostic, in source order; with <paramref name="schema"/>, the project has that synclets.schema.txt.</summary>
    public static async Task<ImmutableArray<Diagnostic>> Diagnose(Compilation compilation, string? schema = null)
    {
        var options = new AnalyzerOptions(schema is null ? [] : [new SchemaText(schema)]);
        var diagnostics = await compilation.WithAnalyzers([new SyncTreeAnalyzer(), new SchemaLockAnalyzer()], options).GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.OrderBy(d => d.Location.IsInSource ? 0 : 1).ThenBy(d => d.Location.SourceSpan.Start)];
    }

    /// <summary>Applies the code fix titled <paramref name="title"/> for the first diagnostic and returns the new source.</summary>
    public static async Task<string> FixAsync(string source, CodeFixProvider fix, string title)
    {
        using var workspace = new AdhocWorkspace();
        var project = NewProject(workspace);
        var document = project.AddDocument("Source0.cs", SourceText.From(source));
        var changed = await ApplyAsync(document, schema: null, fix, title);
        return (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    private static (string Source, List<(string Id, TextSpan Span)> Expected) ParseMarkup(string markup)
    {
        var expected = new List<(string, TextSpan)>();
        var source = new System.Text.StringBuilder();
        var last = 0;
        foreach (Match match in MarkupPattern().Matches(markup))
        {
            source.Append(markup, last, match.Index - last);
            expected.Add((match.Groups[1].Value, new TextSpan(source.Length, match.Groups[2].Length)));
            source.Append(match.Groups[2].Value);
            last = match.Index + match.Length;
        }

        source.Append(markup, last, markup.Length - last);
        return (source.ToString(), expected);
    }

    [GeneratedRegex(@"\{\|(SYNC\d{3}):(.*?)\|\}", RegexOptions.Singleline)]
    private static partial Regex MarkupPattern();

    /// <summary>A synclets.schema.txt held in memory.</summary>
    public sealed class SchemaText(string text) : AdditionalText
    {
        public override string Path => "/project/synclets.schema.txt";

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
