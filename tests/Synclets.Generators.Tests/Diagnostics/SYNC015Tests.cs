using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC015Tests
{
    [Fact]
    public Task A_table_in_a_depth_2_type_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, string Title);
        [SyncTree(depth: 2)]
        public partial class Workspace
        {
            public string Id { get; set; } = "";
            public partial SyncTable<Todo> {|SYNC015:Todos|} { get; }
        }
        """);

    [Fact]
    public Task A_table_in_a_depth_1_type_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, string Title);
        [SyncTree(depth: 1)]
        public partial class Workspace
        {
            public partial SyncTable<Todo> {|SYNC015:Todos|} { get; }
        }
        """);
}
