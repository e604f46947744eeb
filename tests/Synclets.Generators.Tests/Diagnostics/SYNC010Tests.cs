using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC010Tests
{
    [Fact]
    public Task A_type_nested_in_a_non_partial_type_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        public class Outer
        {
            [SyncTree(depth: 2)]
            public partial record {|SYNC010:Todo|}(string Id, string Title);
        }
        """);
}
