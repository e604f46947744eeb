using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Synclets.Generators.Shape;
using Synclets.Generators.Tests.Support;

namespace Synclets.Generators.Tests;

/// <summary>The pipeline caches: an unrelated edit reruns nothing, editing one type reruns only it.</summary>
public class CachingTests
{
    private static readonly string[] Steps = [TrackingNames.Shapes, TrackingNames.ValidShapes];

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached()
    {
        var compilation = TestCompilation.Create(Sources.Todo, Sources.Settings);
        var driver = TestCompilation.NewDriver().RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int X; }", new CSharpParseOptions(LanguageVersion.Preview))));

        var result = driver.GetRunResult().Results.Single();
        foreach (var step in Steps)
        {
            var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {reason}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Editing_one_type_reruns_only_that_type()
    {
        var compilation = TestCompilation.Create(Sources.Todo, Sources.Settings);
        var driver = TestCompilation.NewDriver().RunGenerators(compilation);
        var settingsTree = compilation.SyntaxTrees.Single(tree => tree.ToString().Contains("Settings", StringComparison.Ordinal));
        var edited = CSharpSyntaxTree.ParseText(Sources.Settings.Replace("public bool? Compact", "public bool? Dense", StringComparison.Ordinal), new CSharpParseOptions(LanguageVersion.Preview), settingsTree.FilePath);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(settingsTree, edited));

        var outputs = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.ValidShapes].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(2, outputs.Count);
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified && ((TreeModel)o.Value).TypeName == "Settings");
        Assert.Single(outputs, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged && ((TreeModel)o.Value).TypeName == "Todo");
    }

    [Fact]
    public void The_model_holds_no_Roslyn_types()
    {
        var visited = new HashSet<Type>();
        var pending = new Stack<Type>([typeof(TreeModel)]);
        while (pending.TryPop(out var type))
        {
            if (!visited.Add(type))
            {
                continue;
            }

            Assert.False(type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true, $"{type} is a Roslyn type in the model");
            Assert.False(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>), $"{type} is not equatable");
            foreach (var property in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0))
            {
                var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                pending.Push(propertyType);
                foreach (var argument in propertyType.GetGenericArguments())
                {
                    pending.Push(argument);
                }
            }
        }

        Assert.Contains(typeof(ColumnModel), visited);
    }
}
