using System.Text.Json.Nodes;

namespace Synclets.Tests.Support;

/// <summary>Builds expected data trees and compares them readably.</summary>
public static class Trees
{
    /// <summary>A data tree holding the given string atoms.</summary>
    public static JsonObject Of(params (string[] Address, string Value)[] atoms)
    {
        var root = new JsonObject();
        foreach (var (address, value) in atoms)
        {
            var node = root;
            foreach (var id in address[..^1])
            {
                if (node[id] is not JsonObject child)
                {
                    child = [];
                    node[id] = child;
                }

                node = child;
            }

            node[address[^1]] = value;
        }

        return Sorted(root);
    }

    public static JsonObject Sorted(JsonObject tree)
    {
        var sorted = new JsonObject();
        foreach (var (key, value) in tree.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            sorted[key] = value is JsonObject child ? Sorted(child) : value?.DeepClone();
        }

        return sorted;
    }

    public static void Equal(JsonObject expected, JsonObject actual, string because = "")
    {
        var expectedText = Sorted(expected).ToJsonString();
        var actualText = Sorted(actual).ToJsonString();
        Assert.True(expectedText == actualText, $"{because}\nexpected: {expectedText}\nactual:   {actualText}");
    }
}
