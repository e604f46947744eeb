using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC011Tests
{
    private const string Shipped = """
        # Synclets schema
        Todo.Id KEY
        Todo.Title TEXT
        Todo.Done INTEGER
        """;

    [Fact]
    public async Task A_removed_property_is_reported_on_its_record()
    {
        await AnalyzerHarness.VerifyWithSchemaAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record {|SYNC011:Todo|}(string Id, string Title);
            """, Shipped);
    }

    [Fact]
    public async Task A_renamed_property_is_reported_with_the_way_to_keep_its_column()
    {
        var diagnostic = Assert.Single(await AnalyzerHarness.Diagnose(TestCompilation.Create("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, string Heading, bool Done);
            """), Shipped), d => d.Id == "SYNC011");
        Assert.Contains("Column 'Todo.Title' is listed in synclets.schema.txt, but no property maps to the id 'Title' any more", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("keep its id with [SyncColumn(\"Title\")]", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keeping_the_id_with_SyncColumn_is_not_reported() =>
        await AnalyzerHarness.VerifyWithSchemaAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, [property: SyncColumn("Title")] string Heading, bool Done);
            """, Shipped);

    [Fact]
    public async Task A_removed_record_is_reported_on_each_of_its_lines_in_the_schema_file()
    {
        var inSchema = await AnalyzerHarness.VerifyWithSchemaAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Chore(string {|SYNC012:Id|}, string {|SYNC012:Title|});
            """, Shipped);
        Assert.Equal(["SYNC011", "SYNC011", "SYNC011"], inSchema.Select(d => d.Id));
        Assert.Equal([1, 2, 3], inSchema.Select(d => d.Location.GetLineSpan().StartLinePosition.Line).Order());
        Assert.All(inSchema, d => Assert.EndsWith("synclets.schema.txt", d.Location.GetLineSpan().Path, StringComparison.Ordinal));
        Assert.Contains("no valid [SyncTree] type is named 'Todo' any more", inSchema[0].GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renamed_property_of_a_depth_1_record_is_reported()
    {
        // A settings record keeps each property under its id: renamed, the stored value is stranded.
        var diagnostic = Assert.Single(await AnalyzerHarness.Diagnose(TestCompilation.Create("""
            using Synclets;
            [SyncTree(depth: 1)]
            public partial record Settings
            {
                public string Colors { get; init; } = "light";
            }
            """), "Settings.Theme TEXT\n"), d => d.Id == "SYNC011");
        Assert.Contains("Column 'Settings.Theme' is listed in synclets.schema.txt, but no property maps to the id 'Theme' any more", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renamed_table_of_a_depth_3_container_is_reported_and_a_kept_one_is_not()
    {
        const string source = """
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, string Title);
            [SyncTree(depth: 3)]
            public partial class Workspace
            {
                public partial SyncTable<Todo> Chores { get; }
            }
            """;
        var schema = "Todo.Id KEY\nTodo.Title TEXT\nWorkspace.Todos TABLE\n";
        var diagnostic = Assert.Single(await AnalyzerHarness.Diagnose(TestCompilation.Create(source), schema), d => d.Id == "SYNC011");
        Assert.Contains("Column 'Workspace.Todos' is listed in synclets.schema.txt, but no property maps to the id 'Todos' any more", diagnostic.GetMessage(), StringComparison.Ordinal);

        var kept = source.Replace("public partial SyncTable<Todo> Chores", "[SyncColumn(\"Todos\")] public partial SyncTable<Todo> Chores", StringComparison.Ordinal);
        Assert.DoesNotContain(await AnalyzerHarness.Diagnose(TestCompilation.Create(kept), schema), d => d.Id is "SYNC011" or "SYNC012");
    }

    [Fact]
    public async Task Without_a_schema_file_nothing_is_checked() =>
        Assert.Empty(await AnalyzerHarness.Diagnose(TestCompilation.Create("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, string Heading);
            """)));
}
