using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests;

/// <summary>The generated source of every shape, reviewed like code. See <see cref="Snapshot"/> to accept changes.</summary>
public class SnapshotTests
{
    [Theory]
    [InlineData(nameof(Sources.Todo), Sources.Todo, "App.Todo.Synclets.g.cs")]
    [InlineData(nameof(Sources.Settings), Sources.Settings, "App.Settings.Synclets.g.cs")]
    [InlineData(nameof(Sources.Workspace), Sources.Workspace, "App.Workspace.Synclets.g.cs")]
    [InlineData(nameof(Sources.AllTypes), Sources.AllTypes, "App.AllTypes.Synclets.g.cs")]
    [InlineData(nameof(Sources.Nested), Sources.Nested, "App.Outer.Inner.Row.Synclets.g.cs")]
    public void Generated_source_matches_the_snapshot(string name, string source, string file)
    {
        var (output, generated) = TestCompilation.Generate(source);
        Assert.Empty(TestCompilation.Problems(output));
        Assert.True(generated.ContainsKey(file), $"no {file} among {string.Join(", ", generated.Keys)}");
        Snapshot.Match(generated[file], name);
    }

    [Fact]
    public void A_type_with_problems_gets_no_generated_source()
    {
        var (_, generated) = TestCompilation.Generate("""
            using Synclets;
            [SyncTree(depth: 2)]
            public partial record NoKey(string Name);
            """);
        Assert.Empty(generated);
    }

    [Fact]
    public void The_snapshot_helper_fails_with_a_readable_diff()
    {
        var diff = Snapshot.Diff("a\nb\nc", "a\nB\nc");
        Assert.Equal("@@ line 2\n- b\n+ B\n", diff.ReplaceLineEndings("\n"));
    }
}
