using System.Security.Claims;

namespace Synclets.AspNetCore;

/// <summary>What the server knows of one connection, for hooks that authorize by user.</summary>
/// <param name="Id">The connection's id in its room (the peer id its packets carry).</param>
/// <param name="Room">The room.</param>
/// <param name="User">The authenticated user of the request that opened it.</param>
/// <param name="ReadOnly">True when it may read but not write.</param>
public sealed record SyncletsConnection(string Id, string Room, ClaimsPrincipal? User, bool ReadOnly);
