using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests;

/// <summary>The generated code compiles, loads and works: stores used end to end over memory connectors.</summary>
public class GeneratedCodeRunsTests
{
    private const string Scenario = """
        using System;
        using System.Linq;
        using System.Threading.Tasks;
        using Synclets;
        using Synclets.Connectors;
        using Synclets.Transports;

        namespace App;

        public static class Scenario
        {
            public static async Task<string> RunAsync()
            {
                var pool = new MemoryPool();
                await using var one = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), new SyncletOptions { Id = "one" });
                await using var two = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), new SyncletOptions { Id = "two" });
                var a = new Workspace(one);
                var b = new Workspace(two);
                await one.StartAsync();
                await two.StartAsync();
                await a.Tasks.UpsertAsync(new Task("t1", "Write tests"));
                await a.Tags.UpsertAsync(new Tag("x", "urgent"));
                await Quiescence.WaitAsync(one, two, pool);
                var tasks = await b.Tasks.ListAsync();
                var tag = await b.Tags.GetAsync("x");
                await b.Tags.DeleteAsync("x");
                await Quiescence.WaitAsync(one, two, pool);
                var gone = await a.Tags.GetAsync("x");
                return $"{string.Join(";", tasks)}|{tag}|{(gone is null ? "deleted" : "still there")}|{await two.GetDataAsync()}".Replace("\n", "").Replace(" ", "");
            }

            public static async Task<string> OddIdsAsync()
            {
                await using var synclet = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3));
                var box = new OddBox(synclet);
                var row = new Odd { Key = "r", Quote = "q", Backslash = "b", Lines = "l", Separators = "s", Markup = 1 };
                await box.Rows.UpsertAsync(row);
                var back = await box.Rows.GetAsync("r");
                var data = await synclet.GetDataAsync();
                var ids = string.Join("|", Odd.ColumnIds) + "|" + Odd.SqlKeyColumn + "|" + string.Join("|", Odd.SqlColumns.Select(c => c.Id));
                return $"{back == row}\u0001{data.ToJsonString()}\u0001{ids}";
            }

            public static async Task<string> AllTypesAsync()
            {
                await using var synclet = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2));
                var store = AllTypes.CreateStore(synclet);
                var row = new AllTypes
                {
                    Number = 7, Text = "t\u00e9xt", MaybeText = null, Flag = true, Double = 1.5, Single = 2.5f, Long = 9007199254740991, Short = -3, Byte = 255,
                    UInt = 4000000000, ULong = 18446744073709549568, DecimalAsText = 0.1m + 0.2m, DecimalAsNumber = 1.25m, ColorName = Color.Green, ColorNumber = Color.Green,
                    Guid = new Guid("01234567-89ab-cdef-0123-456789abcdef"), DateTime = new DateTime(2026, 11, 26, 6, 18, 2, DateTimeKind.Utc),
                    DateTimeOffset = new DateTimeOffset(2026, 11, 26, 7, 18, 2, TimeSpan.FromHours(1)), DateOnly = new DateOnly(2026, 11, 26), TimeOnly = new TimeOnly(6, 18, 2, 500),
                    MaybeNumber = null, MaybeGuid = Guid.Empty, Original = "o",
                };
                var written = await store.UpsertAsync(row);
                var back = await store.GetAsync(7); // The key's own type: a generated extension.
                var unchanged = await store.UpsertAsync(back!);
                var oneField = await store.UpsertAsync(back! with { Flag = false });
                return $"{written}|{unchanged}|{oneField}|{back == row}|{await synclet.GetDataAsync()}".Replace("\n", "").Replace(" ", "");
            }
        }
        """;

    [Fact]
    public async Task Two_typed_workspaces_sync_through_the_engine()
    {
        var result = await RunAsync(nameof(Sources.Workspace), "RunAsync", Sources.Workspace, Sources.AllTypes, Sources.OddIds);
        Assert.Equal("""Task{Id=t1,Title=Writetests}|Tag{Id=x,Label=urgent}|deleted|{"Tasks":{"t1":{"Title":"Writetests"}}}""", result);
    }

    [Fact]
    public async Task Every_supported_type_round_trips_and_only_changed_cells_are_written()
    {
        var result = await RunAsync(nameof(Sources.AllTypes), "AllTypesAsync", Sources.AllTypes, Sources.Workspace, Sources.OddIds);
        var parts = result.Split('|');
        Assert.Equal(["22", "0", "1", "True"], parts[..4]);
        Assert.Contains("\"decimal_as_text\":\"0.3\"", parts[4], StringComparison.Ordinal);
        Assert.Contains("\"decimal_as_number\":1.25", parts[4], StringComparison.Ordinal);
        Assert.Contains("\"color_name\":\"Green\"", parts[4], StringComparison.Ordinal);
        Assert.Contains("\"color_number\":1", parts[4], StringComparison.Ordinal);
        Assert.Contains("\"date_only\":\"2026-11-26\"", parts[4], StringComparison.Ordinal);
        Assert.Contains("\"date_time\":\"2026-11-26T06:18:02.0000000Z\"", parts[4], StringComparison.Ordinal);
        Assert.Contains("\"maybe_text\":null", parts[4], StringComparison.Ordinal);
        Assert.Contains("\"renamed\":\"o\"", parts[4], StringComparison.Ordinal);
        Assert.DoesNotContain("not_synced", parts[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ids_with_quotes_backslashes_line_breaks_and_markup_compile_and_round_trip()
    {
        var (output, generated) = TestCompilation.Generate(documentation: true, Sources.OddIds);
        // Doc comments checked too (markup in an id is escaped); the test's own source has none, so only generated files count.
        Assert.DoesNotContain(TestCompilation.Problems(output), problem => !problem.StartsWith("Source", StringComparison.Ordinal));
        Assert.Contains("\"back\\\\slash\"", generated["App.Odd.Synclets.g.cs"], StringComparison.Ordinal);

        var parts = (await RunAsync(nameof(Sources.OddIds), "OddIdsAsync", Sources.OddIds, Sources.Workspace, Sources.AllTypes)).Split('\u0001');
        Assert.Equal("True", parts[0]);
        string[] columns = ["a\"b", "back\\slash", "two\nlines\r", "tab\tand\u2028sep\u0000", "{braces} <tags> & \ud83d\ude00 \"\"\""];
        var row = System.Text.Json.Nodes.JsonNode.Parse(parts[1])!["rows \"<&>\"\n"]!["r"]!.AsObject();
        Assert.Equal(columns.Order(StringComparer.Ordinal), row.Select(cell => cell.Key).Order(StringComparer.Ordinal));
        Assert.Equal(string.Join("|", [.. columns, "k\"ey", .. columns]), parts[2]);
    }

    private static async Task<string> RunAsync(string name, string method, params string[] sources)
    {
        var (output, _) = TestCompilation.Generate([.. sources, Scenario]);
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        var context = new AssemblyLoadContext(name, isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(stream);
            var run = assembly.GetType("App.Scenario")!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!;
            return await (Task<string>)run.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }
}
