using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC007Tests
{
    [Fact]
    public Task Two_properties_with_one_id_are_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, string Title)
        {
            [SyncColumn("Title")] public string {|SYNC007:Heading|} { get; init; } = "";
        }
        """);

    [Fact]
    public Task A_naming_policy_can_make_two_ids_collide() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 1, Naming = SyncNaming.CamelCase)]
        public partial class Settings
        {
            public int Size { get; set; }
            [SyncColumn("size")] public int {|SYNC007:Other|} { get; set; }
        }
        """);
}
