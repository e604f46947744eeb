using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC017Tests
{
    [Fact]
    public Task Ids_a_typed_SQLite_table_would_take_for_one_column_are_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, string Title)
        {
            [SyncColumn("title")] public string {|SYNC017:Heading|} { get; init; } = "";
            [SyncColumn("ID")] public string {|SYNC017:Code|} { get; init; } = "";
            [SyncColumn("Absent")] public bool {|SYNC017:Gone|} { get; init; }
        }
        """);

    [Fact]
    public Task Ids_that_differ_by_more_than_case_and_other_depths_are_not_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, string Title, string Titles);
        [SyncTree(depth: 1)]
        public partial record Settings
        {
            public string Theme { get; init; } = "";
            [SyncColumn("theme")] public string Other { get; init; } = "";
        }
        """);
}
