using System.Globalization;
using System.Text;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Synclets.Generators;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>The generator over 200 annotated types: a full run, an unrelated edit, an edit of one type.</summary>
internal static class GeneratorScenarios
{
    private const int Types = 200;
    private const int Runs = 10;
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    public static IEnumerable<ScenarioResult> Run()
    {
        var compilation = CSharpCompilation.Create(
            "Bench",
            Enumerable.Range(0, Types).Select(i => CSharpSyntaxTree.ParseText(Source(i, "Title"), ParseOptions, $"Row{i}.cs")),
            [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(Synclet).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        NewDriver().RunGenerators(compilation); // JIT warm-up.

        // Each run gets a fresh compilation (Clone drops cached semantic state), as an IDE edit does;
        // the time is the generator's own, as the driver measures it.
        var full = Median(() => NewDriver().RunGenerators(compilation.Clone()));
        GeneratorDriver warm = NewDriver().RunGenerators(compilation);
        var unrelated = Median(() => warm.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", ParseOptions))));
        var first = compilation.SyntaxTrees.First();
        var oneType = Median(() => warm.RunGenerators(compilation.ReplaceSyntaxTree(first, CSharpSyntaxTree.ParseText(Source(0, "Heading"), ParseOptions, first.FilePath))));

        yield return Result("generator-full", full, $"median of {Runs} full runs over {Types} [SyncTree] types");
        yield return Result("generator-unrelated-edit", unrelated, "median of an unrelated edit after a full run (every step cached)");
        yield return Result("generator-one-type-edit", oneType, "median of an edit to one of the types");
    }

    private static ScenarioResult Result(string scenario, double seconds, string note) => new()
    {
        Scenario = scenario,
        Store = "none",
        Transport = "none",
        Depth = 2,
        Atoms = Types,
        Seconds = seconds,
        Messages = 0,
        Bytes = 0,
        PeakMemoryBytes = GC.GetTotalMemory(false),
        Converged = true,
        Note = note,
    };

    private static CSharpGeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create([new SyncTreeGenerator().AsSourceGenerator()], parseOptions: ParseOptions);

    private static double Median(Func<GeneratorDriver> run)
    {
        var samples = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            samples[i] = run().GetTimingInfo().ElapsedTime.TotalSeconds;
        }

        Array.Sort(samples);
        return samples[Runs / 2];
    }

    private static string Source(int i, string titleName)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $$"""
            using System;
            using Synclets;
            namespace Bench;
            [SyncTree(depth: 2)]
            public partial record Row{{i}}([property: SyncKey] string Id, string {{titleName}}, int Count, bool Done, double Score, DateTimeOffset? Due, Guid Owner);
            """);
        return builder.ToString();
    }
}
