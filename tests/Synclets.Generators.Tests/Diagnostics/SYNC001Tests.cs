using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC001Tests
{
    [Fact]
    public Task A_type_that_is_not_partial_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public record {|SYNC001:Todo|}(string Id, string Title);
        """);

    [Fact]
    public Task A_partial_type_is_fine() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, string Title);
        """);
}
