using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC003Tests
{
    [Fact]
    public Task A_collection_property_is_reported_with_a_suggestion() => AnalyzerHarness.VerifyAsync("""
        using System.Collections.Generic;
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string Id, List<string> {|SYNC003:Tags|});
        """);

    [Fact]
    public Task An_object_property_is_reported_unless_ignored() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 1)]
        public partial class Settings
        {
            public object? {|SYNC003:Anything|} { get; set; }
            [SyncIgnore] public object? Ignored { get; set; }
        }
        """);

    [Fact]
    public async Task The_message_suggests_a_table_for_a_collection()
    {
        var compilation = TestCompilation.Create("""
            using System.Collections.Generic;
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record Todo(string Id, List<string> Tags);
            """);
        var diagnostic = Assert.Single(await AnalyzerHarness.Diagnose(compilation));
        Assert.Contains("table of its own", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
