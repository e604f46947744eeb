using System.Text.Json.Nodes;

namespace Synclets.AspNetCore.Tests.JavaScript;

/// <summary>Waits on a .NET synclet's data in the interop tests.</summary>
public static class SyncletData
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Waits until the synclet's data is <paramref name="want"/>, checked again each time its atoms change; fails with both trees after 30 seconds.</summary>
    public static async Task UntilAsync(Synclet synclet, JsonNode want)
    {
        using var changed = new SemaphoreSlim(0);
        void OnChanged(object? sender, AtomsChangedEventArgs e) => changed.Release();
        synclet.AtomsChanged += OnChanged;
        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            JsonNode data;
            while (!JsonNode.DeepEquals(data = await synclet.GetDataAsync(), want))
            {
                try
                {
                    await changed.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"expected {want.ToJsonString()}, .NET has {data.ToJsonString()}");
                }
            }
        }
        finally
        {
            synclet.AtomsChanged -= OnChanged;
        }
    }
}
