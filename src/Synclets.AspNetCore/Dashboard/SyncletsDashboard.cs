using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Synclets.AspNetCore;

/// <summary>
/// The live page's data (see <see cref="SyncletsEndpointExtensions.MapSyncletsDashboard"/>): the
/// open rooms with their connections and their store synclet's counters, and a stored room's
/// tree with each atom's value and time. JSON built with System.Text.Json's nodes: no reflection,
/// so trimmed and native-AOT servers serve it as is.
/// </summary>
internal static class SyncletsDashboard
{
    /// <summary>GET rooms: every open room, its connections (ids shortened: they address clients) and its store's counters.</summary>
    public static Task RoomsAsync(HttpContext context)
    {
        var broker = context.RequestServices.GetRequiredService<SyncletsBroker>();
        var rooms = new JsonArray();
        foreach (var name in broker.RoomNames.Order(StringComparer.Ordinal))
        {
            var connections = new JsonArray();
            foreach (var connection in broker.GetConnections(name))
            {
                connections.Add((JsonNode)new JsonObject
                {
                    ["id"] = connection.Id[..Math.Min(6, connection.Id.Length)],
                    ["user"] = connection.User?.Identity?.Name,
                    ["readOnly"] = connection.ReadOnly,
                });
            }

            var room = new JsonObject { ["name"] = name, ["connections"] = connections };
            if (broker.GetRoomStore(name) is { } store)
            {
                room["store"] = new JsonObject
                {
                    ["messagesReceived"] = store.Statistics.MessagesReceived,
                    ["messagesSent"] = store.Statistics.MessagesSent,
                    ["bytesReceived"] = store.Statistics.BytesReceived,
                    ["queuedMessages"] = store.Statistics.QueuedMessages,
                    ["failure"] = store.Statistics.LastApplyFailure,
                };
            }

            rooms.Add((JsonNode)room);
        }

        return WriteAsync(context, new JsonObject { ["rooms"] = rooms });
    }

    /// <summary>GET rooms/{room}/tree: a stored room's tree, each atom as [value, timestamp, time, deleted] (the time decoded from the timestamp).</summary>
    public static async Task TreeAsync(HttpContext context)
    {
        var name = context.Request.RouteValues["room"] as string ?? string.Empty;
        var broker = context.RequestServices.GetRequiredService<SyncletsBroker>();
        if (await broker.GetClusteredTreeAsync(name, context.RequestAborted).ConfigureAwait(false) is { } clustered)
        {
            // The room lives in its grain, perhaps on another node: its trees come from there.
            await WriteAsync(context, new JsonObject { ["depth"] = clustered.Depth, ["tree"] = Merge(JsonNode.Parse(clustered.Data), present: true, JsonNode.Parse(clustered.Meta)) }).ConfigureAwait(false);
            return;
        }

        if (broker.GetRoomStore(name) is not { } store)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await WriteAsync(context, new JsonObject { ["error"] = $"No stored room '{name}' is open: a relay room keeps no tree, and a room opens with its first client." }).ConfigureAwait(false);
            return;
        }

        var data = await store.GetDataAsync(context.RequestAborted).ConfigureAwait(false);
        var meta = await store.GetMetaAsync(context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, new JsonObject { ["depth"] = store.Depth, ["tree"] = Merge(data, present: true, meta) }).ConfigureAwait(false);
    }

    /// <summary>The meta tree with each leaf replaced by [value, timestamp, ISO time, deleted]: a deleted atom keeps its time, with no value.</summary>
    private static JsonNode Merge(JsonNode? data, bool present, JsonNode? meta)
    {
        if (meta is JsonObject metaParent)
        {
            var merged = new JsonObject();
            foreach (var (id, child) in metaParent)
            {
                var dataParent = data as JsonObject;
                JsonNode? value = null;
                var has = dataParent is not null && dataParent.TryGetPropertyValue(id, out value);
                merged[id] = Merge(value, has, child);
            }

            return merged;
        }

        var timestamp = meta?.GetValue<string>() ?? string.Empty;
        var time = Timestamp.TryDecode(timestamp, out var milliseconds, out _) ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).ToString("O", System.Globalization.CultureInfo.InvariantCulture) : null;
        return new JsonArray(data?.DeepClone(), timestamp, time, !present);
    }

    public static Task PageAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(DashboardPage.Html, context.RequestAborted);
    }

    private static Task WriteAsync(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
