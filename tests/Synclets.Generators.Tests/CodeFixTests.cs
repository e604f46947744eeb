using Synclets.CodeFixes;
using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests;

public class CodeFixTests
{
    [Fact]
    public async Task Make_partial_adds_the_modifier()
    {
        var fixedSource = await AnalyzerHarness.FixAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public record Todo(string Id, string Title);
            """, new MakePartialCodeFix(), "Make 'Todo' partial");
        Assert.Contains("public partial record Todo(string Id, string Title);", fixedSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Make_partial_fixes_the_containing_type()
    {
        var fixedSource = await AnalyzerHarness.FixAsync("""
            using Synclets;
            public class Outer
            {
                [SyncTree(depth: 2)]
                public partial record Todo(string Id, string Title);
            }
            """, new MakePartialCodeFix(), "Make 'Outer' partial");
        Assert.Contains("public partial class Outer", fixedSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mark_key_on_a_positional_parameter()
    {
        var fixedSource = await AnalyzerHarness.FixAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Code, string Title);
            """, new MarkKeyCodeFix(), "Mark 'Code' as the row key");
        Assert.Contains("public partial record Todo([property: SyncKey] string Code, string Title);", fixedSource, StringComparison.Ordinal);
        Assert.Empty(await AnalyzerHarness.Diagnose(TestCompilation.Create(fixedSource)));
    }

    [Fact]
    public async Task Mark_key_on_a_property()
    {
        var fixedSource = await AnalyzerHarness.FixAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial class Todo
            {
                public string Code { get; init; } = "";
                public string Title { get; init; } = "";
            }
            """, new MarkKeyCodeFix(), "Mark 'Code' as the row key");
        Assert.Contains("    [SyncKey]\n    public string Code", fixedSource.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(await AnalyzerHarness.Diagnose(TestCompilation.Create(fixedSource)));
    }
}
