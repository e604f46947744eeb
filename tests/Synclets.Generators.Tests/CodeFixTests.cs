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

    [Fact]
    public async Task Add_to_schema_appends_the_column_line()
    {
        const string source = """
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, string Title, int Priority);
            """;
        var schema = await AnalyzerHarness.FixSchemaAsync(source, "Todo.Id KEY\nTodo.Title TEXT", new AddToSchemaCodeFix(), "Add 'Todo.Priority INTEGER' to synclets.schema.txt");
        Assert.Equal("Todo.Id KEY\nTodo.Title TEXT\nTodo.Priority INTEGER\n", schema);
        Assert.Empty(await AnalyzerHarness.Diagnose(TestCompilation.Create(source), schema));
    }

    [Fact]
    public async Task Add_to_schema_can_add_every_missing_column_of_the_record_at_once()
    {
        const string source = """
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, string Title, bool Done);
            """;
        var schema = await AnalyzerHarness.FixSchemaAsync(source, "# shipped columns\n", new AddToSchemaCodeFix(), "Add all 3 missing columns of 'Todo' to synclets.schema.txt");
        Assert.Equal("# shipped columns\nTodo.Id KEY\nTodo.Title TEXT\nTodo.Done INTEGER\n", schema);
        Assert.Empty(await AnalyzerHarness.Diagnose(TestCompilation.Create(source), schema));
    }

    [Fact]
    public async Task Fix_all_marks_the_key_of_every_record_that_lacks_one()
    {
        const string source = """
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Code, string Title);
            [SyncTree(depth: 2)]
            public partial record Tag(string Code, string Color);
            """;
        var (fixedSource, _) = await AnalyzerHarness.FixAllAsync(source, null, new MarkKeyCodeFix(), "SYNC004");
        Assert.Contains("Todo([property: SyncKey] string Code", fixedSource, StringComparison.Ordinal);
        Assert.Contains("Tag([property: SyncKey] string Code", fixedSource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fix_all_adds_every_missing_column_of_every_record_to_the_schema_once()
    {
        const string source = """
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo([property: SyncKey] string Id, string Title, int Priority);
            [SyncTree(depth: 2)]
            public partial record Tag([property: SyncKey] string Id, string Color);
            """;
        var (_, schema) = await AnalyzerHarness.FixAllAsync(source, "# shipped\nTodo.Id KEY\n", new AddToSchemaCodeFix(), "SYNC012");
        Assert.Equal("# shipped\nTodo.Id KEY\nTag.Color TEXT\nTag.Id KEY\nTodo.Priority INTEGER\nTodo.Title TEXT\n", schema);
    }
}
