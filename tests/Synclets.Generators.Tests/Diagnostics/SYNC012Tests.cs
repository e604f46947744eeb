using Synclets.Analyzers.Schema;
using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC012Tests
{
    [Fact]
    public async Task A_new_property_is_reported_with_the_line_to_add()
    {
        var diagnostics = await AnalyzerHarness.Diagnose(TestCompilation.Create("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, string Title, int Priority);
            """), "Todo.Id KEY\nTodo.Title TEXT\n");
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("SYNC012", diagnostic.Id);
        Assert.Equal("Todo.Priority INTEGER", diagnostic.Properties[SchemaLockAnalyzer.LineProperty]);
        Assert.Contains("add the line 'Todo.Priority INTEGER'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_column_of_a_record_missing_from_the_file_is_reported_where_it_is_declared() =>
        await AnalyzerHarness.VerifyWithSchemaAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial class Note
            {
                public string {|SYNC012:Id|} { get; init; } = "";
                public string? {|SYNC012:Text|} { get; init; }
                public double {|SYNC012:Score|} { get; init; }
            }
            """, "# nothing shipped yet\n");

    [Fact]
    public async Task Depth_1_records_and_depth_3_containers_are_guarded_too()
    {
        // Their data is kept under their ids as well: a record's atoms, a container's tables.
        await AnalyzerHarness.VerifyWithSchemaAsync("""
            using Synclets;
            [SyncTree(depth: 1)]
            public partial class Settings
            {
                public int {|SYNC012:Size|} { get; set; }
            }
            """, string.Empty);
        var diagnostics = await AnalyzerHarness.Diagnose(TestCompilation.Create("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, string Title);
            [SyncTree(depth: 3)]
            public partial class Workspace
            {
                public partial SyncTable<Todo> Todos { get; }
            }
            """), "Todo.Id KEY\nTodo.Title TEXT\n");
        Assert.Contains("add the line 'Workspace.Todos TABLE'", Assert.Single(diagnostics, d => d.Id == "SYNC012").GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_column_id_with_spaces_and_dots_reads_back_from_the_line_the_fix_writes() =>
        Assert.Empty(await AnalyzerHarness.Diagnose(TestCompilation.Create("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, [property: SyncColumn("due date.v2")] string? Due);
            """), "Todo.Id KEY\nTodo.due date.v2 TEXT\n"));
}
