using System.Text.Json.Nodes;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>Waits on a .NET synclet in the interop tests: a condition checked now, then again each time its atoms change.</summary>
public static class SyncletData
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Waits until the synclet's data is <paramref name="want"/>; fails with both trees after 30 seconds.</summary>
    public static async Task UntilAsync(Synclet synclet, JsonNode want) =>
        await HoldsAsync(
            synclet,
            async () => JsonNode.DeepEquals(await synclet.GetDataAsync(), want),
            async () => $"expected {want.ToJsonString()}, .NET has {(await synclet.GetDataAsync()).ToJsonString()}");

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="whyNot"/> after 30 seconds.</summary>
    public static Task HoldsAsync(Synclet synclet, Func<Task<bool>> condition, Func<Task<string>> whyNot) =>
        Synclets.Tests.Support.ChangeSignals.UntilAsync([synclet], condition, whyNot, Patience);
}
