using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC009Tests
{
    [Fact]
    public Task A_reserved_id_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 1)]
        public partial class Settings
        {
            [SyncColumn("\uFFFAsecret")] public string {|SYNC009:Secret|} { get; set; } = "";
        }
        """);

    [Fact]
    public Task An_empty_id_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 1)]
        public partial class Settings
        {
            [SyncColumn("")] public string {|SYNC009:Blank|} { get; set; } = "";
        }
        """);
}
