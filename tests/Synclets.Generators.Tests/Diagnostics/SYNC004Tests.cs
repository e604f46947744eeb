using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC004Tests
{
    [Fact]
    public Task A_row_without_a_key_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record {|SYNC004:Todo|}(string Name, string Title);
        """);

    [Fact]
    public Task A_property_named_Id_is_the_key() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, string Title);
        """);

    [Fact]
    public Task SyncKey_on_a_parameter_marks_the_key() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo([SyncKey] string Code, string Title);
        """);
}
