using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC013Tests
{
    [Fact]
    public async Task A_column_whose_type_changed_is_reported_on_its_property() =>
        await AnalyzerHarness.VerifyWithSchemaAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, string Title, string {|SYNC013:Priority|});
            """, "Todo.Id KEY\nTodo.Title TEXT\nTodo.Priority INTEGER\n");

    [Fact]
    public async Task A_new_key_is_a_change_of_type_for_both_columns()
    {
        var diagnostics = await AnalyzerHarness.VerifyWithSchemaAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo([property: SyncKey] string {|SYNC013:Code|}, string {|SYNC013:Id|});
            """, "Todo.Id KEY\nTodo.Code TEXT\n");
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task The_message_says_what_the_rows_hold()
    {
        var diagnostic = Assert.Single(await AnalyzerHarness.Diagnose(TestCompilation.Create("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, double Priority);
            """), "Todo.Id KEY\nTodo.Priority INTEGER\n"));
        Assert.Equal(
            "Column 'Todo.Priority' is INTEGER in synclets.schema.txt but the property now makes it REAL: databases written before hold INTEGER values in it. Keep the property's type, or sync the new type under a new id with [SyncColumn(\"...\")] and delete the old line.",
            diagnostic.GetMessage());
    }
}
