using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC016Tests
{
    [Fact]
    public Task An_index_on_a_property_that_is_not_a_column_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        [{|SYNC016:SyncIndex("Titel")|}]
        public partial record Todo(string Id, string Title)
        {
            [SyncIgnore] public string Draft { get; init; } = "";
        }
        [SyncTree(depth: 2)]
        [{|SYNC016:SyncIndex(nameof(Draft))|}]
        public partial record Note(string Id, string Text)
        {
            [SyncIgnore] public string Draft { get; init; } = "";
        }
        """);

    [Fact]
    public Task An_empty_or_repeating_index_and_one_on_a_type_that_is_not_a_row_are_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        [{|SYNC016:SyncIndex|}]
        [{|SYNC016:SyncIndex(nameof(Title), nameof(Title))|}]
        public partial record Todo(string Id, string Title);
        [SyncTree(depth: 1)]
        [{|SYNC016:SyncIndex(nameof(Theme))|}]
        public partial record Settings
        {
            public string Theme { get; init; } = "light";
        }
        """);

    [Fact]
    public Task Indexes_on_columns_and_the_key_are_accepted() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        [SyncIndex(nameof(Done), nameof(Title))]
        [SyncIndex(nameof(Due), nameof(Id))]
        public partial record Todo(string Id, string Title, bool Done, System.DateOnly? Due);
        """);
}
