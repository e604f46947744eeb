using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Synclets.Analyzers;

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
        var compilation = TestCompilation.Create(source);
        var actual = await Diagnose(compilation);
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

    public static async Task<ImmutableArray<Diagnostic>> Diagnose(Compilation compilation)
    {
        var diagnostics = await compilation.WithAnalyzers([new SyncTreeAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.OrderBy(d => d.Location.SourceSpan.Start)];
    }

    /// <summary>Applies the code fix titled <paramref name="title"/> for the first diagnostic and returns the new source.</summary>
    public static async Task<string> FixAsync(string source, CodeFixProvider fix, string title)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject("UserCode", LanguageNames.CSharp)
            .WithMetadataReferences(TestCompilation.References)
            .WithParseOptions(new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview))
            .WithCompilationOptions(new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var document = project.AddDocument("Source0.cs", SourceText.From(source));
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostic = (await Diagnose(compilation)).First(d => fix.FixableDiagnosticIds.Contains(d.Id));
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        var action = actions.SingleOrDefault(a => a.Title == title) ?? throw new InvalidOperationException($"No fix '{title}'; offered: {string.Join(", ", actions.Select(a => a.Title))}");
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        return (await changed.GetTextAsync()).ToString();
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
}
