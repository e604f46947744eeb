using System.Security.Claims;

namespace Synclets.AspNetCore;

/// <summary>
/// Who may read and write what in a stored room, decided from each connection's authenticated
/// user (its claims), without writing hooks (<see cref="SyncletsServerOptions.AccessRules"/>). The
/// server turns them into the room synclet's hooks, so they hold on every path a row can take to
/// a user: the reply to a sync, the initial sync of a new client, a reconnect's resync, and the
/// relay of another client's change (cut per recipient); and a write that breaks them is refused
/// and reported to its writer.
/// </summary>
/// <example><code>
/// builder.Services.AddSynclets(options =>
/// {
///     options.StoreFactory = ...;
///     options.AccessRules = SyncletsAccessRules.OwnedRows(); // "ann:groceries" is ann's; "shared:..." everyone's.
/// });
/// </code></example>
public sealed class SyncletsAccessRules
{
    /// <summary>
    /// Whether the user may read the atoms at or below an address (a parent's address too: false
    /// hides the whole subtree, which is then left out of listings, hashes included).
    /// </summary>
    public required Func<ClaimsPrincipal, IReadOnlyList<string>, bool> CanRead { get; init; }

    /// <summary>Whether the user may write (or delete) the atom at an address.</summary>
    public required Func<ClaimsPrincipal, IReadOnlyList<string>, bool> CanWrite { get; init; }

    /// <summary>
    /// Each user reads and writes only the rows they own, plus shared ones: an id at
    /// <paramref name="level"/> of the tree (0: the top-level ids; 1 the rows of a depth-3 tree's
    /// tables) is owned by the user it starts with, then <paramref name="separator"/>
    /// (<c>ann:groceries</c> is ann's), and an id starting with <paramref name="shared"/> and the
    /// separator (<c>shared:holidays</c>) is everyone's. Ids of any other form are no one's: read
    /// and written by server code only. The user is the claim <paramref name="claimType"/>, or
    /// the identity's name when null; a connection without one owns nothing.
    /// </summary>
    public static SyncletsAccessRules OwnedRows(int level = 0, string shared = "shared", char separator = ':', string? claimType = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentException.ThrowIfNullOrEmpty(shared);
        bool Owns(ClaimsPrincipal user, IReadOnlyList<string> address)
        {
            if (address.Count <= level)
            {
                return true; // Above the owned ids: a table, the root. What is below is filtered id by id.
            }

            var id = address[level];
            var owner = id.IndexOf(separator, StringComparison.Ordinal) is > 0 and var end ? id[..end] : null;
            var name = claimType is null ? user.Identity?.Name : user.FindFirst(claimType)?.Value;
            return owner is not null && (owner == shared || (!string.IsNullOrEmpty(name) && owner == name));
        }

        return new SyncletsAccessRules { CanRead = Owns, CanWrite = Owns };
    }
}
