using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Synclets.Generators;

namespace Synclets.Generators.Tests.Support;

/// <summary>Real compilations of user code against .NET 10 and the Synclets runtime, with the generator run over them.</summary>
public static class TestCompilation
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    public static IReadOnlyList<MetadataReference> References { get; } =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Synclet).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location),
    ];

    public static CSharpCompilation Create(params string[] sources) => Create(documentation: false, sources);

    /// <summary>A compilation whose doc comments are checked (as with GenerateDocumentationFile) when <paramref name="documentation"/> is true.</summary>
    public static CSharpCompilation Create(bool documentation, params string[] sources) =>
        CSharpCompilation.Create(
            "UserCode",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, Parsing(documentation), path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver NewDriver(bool documentation = false) =>
        CSharpGeneratorDriver.Create(
            [new SyncTreeGenerator().AsSourceGenerator()],
            parseOptions: Parsing(documentation),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the compilation with the generated code and the generated sources by file name.</summary>
    public static (Compilation Output, IReadOnlyDictionary<string, string> Generated) Generate(params string[] sources) => Generate(documentation: false, sources);

    /// <inheritdoc cref="Generate(string[])"/>
    public static (Compilation Output, IReadOnlyDictionary<string, string> Generated) Generate(bool documentation, params string[] sources)
    {
        var input = Create(documentation, sources);
        NewDriver(documentation).RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var generated = output.SyntaxTrees.Skip(input.SyntaxTrees.Length).ToDictionary(tree => Path.GetFileName(tree.FilePath), tree => tree.ToString());
        return (output, generated);
    }

    private static CSharpParseOptions Parsing(bool documentation) =>
        documentation ? ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose) : ParseOptions;

    /// <summary>Errors and warnings of a compilation, as readable lines.</summary>
    public static string[] Problems(Compilation compilation) =>
        [.. compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString())];
}
