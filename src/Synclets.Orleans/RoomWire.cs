using System.Security.Claims;

namespace Synclets.Orleans;

/// <summary>What a node sends its room: a connection joined or left, or a packet from one of its connections.</summary>
internal enum RoomUpKind
{
    /// <summary>A connection joined (before any of its packets), with its user and rights.</summary>
    Joined,

    /// <summary>A connection left (after all of its packets).</summary>
    Left,

    /// <summary>A readdressed packet from a connection (its id is the packet's first token).</summary>
    Packet,
}

/// <summary>One item of a node's batch to its room.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Connection">The connection it is about or from.</param>
/// <param name="To">A packet's addressee: <c>*</c>, the store's id, or another connection's.</param>
/// <param name="Text">A packet's readdressed text.</param>
/// <param name="User">A joined connection's user, for the room's access rules.</param>
/// <param name="ReadOnly">True when a joined connection may read but not write.</param>
[GenerateSerializer, Immutable, Alias("synclets.RoomUp")]
internal sealed record RoomUp(
    [property: Id(0)] RoomUpKind Kind,
    [property: Id(1)] string Connection,
    [property: Id(2)] string? To = null,
    [property: Id(3)] string? Text = null,
    [property: Id(4)] RoomUser? User = null,
    [property: Id(5)] bool ReadOnly = false)
{
    /// <summary>About how many bytes it holds in memory, for the bounds on queues.</summary>
    public long Size => 2L * (Text?.Length ?? 0) + 64;
}

/// <summary>One packet from the room to a node's connections: to <c>*</c> all of them but <paramref name="Except"/>, else the one named.</summary>
[GenerateSerializer, Immutable, Alias("synclets.RoomDown")]
internal sealed record RoomDown(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] string? Except,
    [property: Id(3)] string Text)
{
    /// <summary>About how many bytes it holds in memory, for the bounds on queues.</summary>
    public long Size => 2L * Text.Length + 64;
}

/// <summary>A batch of items, marked immutable so that a call within one silo passes it without a copy.</summary>
[GenerateSerializer, Immutable, Alias("synclets.RoomBatch")]
internal sealed record RoomBatch<T>([property: Id(0)] T[] Items);

/// <summary>
/// The room's answer to every call of a node: which activation of the room it is, and whether it
/// knows the node. A node that sees another epoch, or is not known, lost its place in the room
/// (the room's silo died, or it dropped the node as too slow) and closes its connections.
/// </summary>
[GenerateSerializer, Immutable, Alias("synclets.RoomReceipt")]
internal readonly record struct RoomReceipt(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] bool Attached,
    [property: Id(2)] bool HasStore);

/// <summary>A connection's user as its node authenticated it: the claims the room's access rules read.</summary>
[GenerateSerializer, Immutable, Alias("synclets.RoomUser")]
internal sealed record RoomUser(
    [property: Id(0)] string? AuthenticationType,
    [property: Id(1)] string NameType,
    [property: Id(2)] string RoleType,
    [property: Id(3)] string[] ClaimTypes,
    [property: Id(4)] string[] ClaimValues)
{
    /// <summary>The user of a request, or null for none (its first identity's claims; an anonymous request has none).</summary>
    public static RoomUser? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not ClaimsIdentity identity)
        {
            return null;
        }

        var claims = identity.Claims.ToArray();
        return new RoomUser(identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType, [.. claims.Select(claim => claim.Type)], [.. claims.Select(claim => claim.Value)]);
    }

    /// <summary>The user again, as the room's rules see it.</summary>
    public ClaimsPrincipal ToPrincipal()
    {
        var claims = new Claim[ClaimTypes.Length];
        for (var i = 0; i < claims.Length; i++)
        {
            claims[i] = new Claim(ClaimTypes[i], ClaimValues[i]);
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, NameType, RoleType));
    }
}
