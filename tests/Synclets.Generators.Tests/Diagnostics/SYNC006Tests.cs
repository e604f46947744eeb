using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC006Tests
{
    [Fact]
    public Task A_member_that_is_not_a_table_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, string Title);
        [SyncTree(depth: 3)]
        public partial class Workspace
        {
            public partial SyncTable<Todo> Todos { get; }
            public string {|SYNC006:Name|} { get; set; } = "";
        }
        """);

    [Fact]
    public Task A_table_of_rows_without_SyncTree_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        public partial record Plain(string Id) : ISyncRow<Plain>
        {
            public static System.Collections.Generic.IReadOnlyList<string> ColumnIds => [];
            public static string GetRowId(Plain row) => row.Id;
            public static Plain FromCells(string rowId, System.Collections.Generic.IReadOnlyDictionary<string, Atom> cells) => new(rowId);
            public static void AddChangedCells(Plain? before, Plain after, System.Collections.Generic.ICollection<System.Collections.Generic.KeyValuePair<string, Atom>> changes) { }
        }
        [SyncTree(depth: 3)]
        public partial class Workspace
        {
            public partial SyncTable<Plain> {|SYNC006:Plains|} { get; }
        }
        """);

    [Fact]
    public async Task A_table_the_generator_implemented_is_not_reported_in_a_real_build()
    {
        // A real build runs the analyzers over the compilation that holds the generator's output,
        // where each table property has an implementation part: ours, which must not count as a body.
        var (output, _) = TestCompilation.Generate("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo([property: SyncKey] string Id, string Title);
            [SyncTree(depth: 3)]
            public partial class Workspace
            {
                public partial SyncTable<Todo> Todos { get; }
            }
            """);
        Assert.Empty(TestCompilation.Problems(output));
        Assert.Empty(await AnalyzerHarness.Diagnose(output));
    }

    [Fact]
    public Task A_table_the_user_implemented_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, string Title);
        [SyncTree(depth: 3)]
        public partial class Workspace
        {
            public partial SyncTable<Todo> {|SYNC006:Todos|} { get; }
            public partial SyncTable<Todo> Todos => throw new System.NotImplementedException();
        }
        """);
}
