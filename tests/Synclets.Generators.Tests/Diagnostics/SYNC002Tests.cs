using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC002Tests
{
    [Fact]
    public Task A_depth_below_one_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 0)]
        public partial record {|SYNC002:Nothing|}(string Id);
        """);

    [Fact]
    public Task A_depth_without_a_typed_store_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 4)]
        public partial class {|SYNC002:Deep|} { }
        """);

    [Fact]
    public Task A_struct_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 1)]
        public partial struct {|SYNC002:Point|} { public int X { get; set; } }
        """);

    [Fact]
    public Task A_container_without_tables_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 3)]
        public partial class {|SYNC002:Empty|} { }
        """);
}
