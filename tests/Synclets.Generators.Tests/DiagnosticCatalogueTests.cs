using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Synclets.Analyzers;
using Synclets.Analyzers.Schema;
using Synclets.Generators.Shape;

namespace Synclets.Generators.Tests;

/// <summary>Every diagnostic id is declared once, described by the analyzer and documented on its own page.</summary>
public class DiagnosticCatalogueTests
{
    private static readonly string[] Declared =
        [.. typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(field => (string)field.GetValue(null)!).Order(StringComparer.Ordinal)];

    private static readonly DiagnosticDescriptor[] Described =
        [.. new DiagnosticAnalyzer[] { new SyncTreeAnalyzer(), new SchemaLockAnalyzer() }.SelectMany(analyzer => analyzer.SupportedDiagnostics)];

    [Fact]
    public void The_analyzers_describe_every_declared_id_and_no_other()
    {
        var described = Described.Select(descriptor => descriptor.Id).Order(StringComparer.Ordinal);
        Assert.Equal(Declared, described);
    }

    [Fact]
    public void Every_id_has_a_docs_page_its_help_link_names()
    {
        var docs = Path.Combine(RepositoryRoot(), "docs", "diagnostics");
        var pages = Directory.GetFiles(docs, "SYNC*.md").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(Declared, pages);
        Assert.All(Described, descriptor => Assert.EndsWith($"/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Synclets.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Synclets.sln not found above " + AppContext.BaseDirectory);
    }
}
