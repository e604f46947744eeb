using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests.Diagnostics;

public class SYNC005Tests
{
    [Fact]
    public Task A_nullable_key_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo(string? {|SYNC005:Id|}, string Title);
        """);

    [Fact]
    public Task A_key_that_cannot_be_a_row_id_is_reported() => AnalyzerHarness.VerifyAsync("""
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record Todo([property: SyncKey] double {|SYNC005:Score|}, string Title);
        """);

    [Fact]
    public Task Integer_and_Guid_keys_are_fine() => AnalyzerHarness.VerifyAsync("""
        using System;
        using Synclets;
        [SyncTree(depth: 2)]
        public partial record A(int Id, string Title);
        [SyncTree(depth: 2)]
        public partial record B(Guid Id, string Title);
        """);
}
