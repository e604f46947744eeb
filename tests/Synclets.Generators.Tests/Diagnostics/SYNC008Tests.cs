using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC008Tests
{
    [Fact]
    public Task A_get_only_property_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 1)]
        public partial class Settings
        {
            public string {|SYNC008:Theme|} { get; } = "light";
        }
        """);

    [Fact]
    public Task A_type_with_no_usable_constructor_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 1)]
        public partial class {|SYNC008:Settings|}
        {
            public Settings(string unrelated) { }
            public string Theme { get; set; } = "light";
        }
        """);
}
