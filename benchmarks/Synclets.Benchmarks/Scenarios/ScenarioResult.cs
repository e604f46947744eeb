using System.Text.Json.Serialization;

namespace Synclets.Benchmarks.Scenarios;

/// <summary>One line of the scenario runner's output.</summary>
internal sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    public required string Store { get; init; }

    public required string Transport { get; init; }

    public required int Depth { get; init; }

    public required long Atoms { get; init; }

    public required double Seconds { get; init; }

    public required long Messages { get; init; }

    public required long Bytes { get; init; }

    public required long PeakMemoryBytes { get; init; }

    public long? BaseMemoryBytes { get; init; }

    public double? BaselineSeconds { get; init; }

    public double? Ratio { get; init; }

    public double? P50Ms { get; init; }

    public double? P99Ms { get; init; }

    public long? SizeBeforeBytes { get; init; }

    public long? SizeAfterBytes { get; init; }

    /// <summary>Fan-out: changes some client never got.</summary>
    public long? Lost { get; init; }

    public bool Converged { get; init; }

    public string? Note { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScenarioResult))]
internal sealed partial class ScenarioJson : JsonSerializerContext;
