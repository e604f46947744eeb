using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC014Tests
{
    [Fact]
    public async Task A_line_that_is_not_a_column_is_reported_where_it_is()
    {
        var inSchema = await AnalyzerHarness.VerifyWithSchemaAsync("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, string Title);
            """, "Todo.Id KEY\nTodo.Title TEXT # the heading\nTitle TEXT\n\nTodo.Done\n");
        Assert.Equal(["SYNC014", "SYNC014"], inSchema.Select(d => d.Id));
        Assert.Equal([2, 4], inSchema.Select(d => d.Location.GetLineSpan().StartLinePosition.Line));
        Assert.Equal("'Title TEXT' is not a column line; write 'Table.column TYPE' (TYPE: TEXT, INTEGER, REAL, KEY for the row key, or TABLE for a container's table), or start a comment with #", inSchema[0].GetMessage());
    }
}
