using System.Security.Claims;

namespace Synclets.AspNetCore;

/// <summary>
/// A stored room's <see cref="SyncletsAccessRules"/> as hooks, on top of the room's own: a peer is
/// a connection of the room, judged by its user; the server's own writes (no peer) pass, and a
/// peer that is no longer connected may do nothing.
/// </summary>
internal sealed class AccessRuleHooks(SyncletHooks inner, SyncletsAccessRules rules, Func<string, ClaimsPrincipal?> userOf) : DelegatingHooks(inner)
{
    public override SyncletHookUses Uses => Inner.Uses | SyncletHookUses.ReadRules;

    public override async ValueTask<bool> CanReadAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) =>
        Allowed(rules.CanRead, address, context) && await Inner.CanReadAtomAsync(address, context).ConfigureAwait(false);

    public override async ValueTask<IReadOnlyCollection<string>> FilterChildIdsAsync(IReadOnlyList<string> address, IReadOnlyCollection<string> childIds, IReadOnlyDictionary<string, Atom> context)
    {
        var allowed = await Inner.FilterChildIdsAsync(address, childIds, context).ConfigureAwait(false);
        if (Ids.PeerOf(context) is null)
        {
            return allowed;
        }

        var child = new string[address.Count + 1];
        for (var i = 0; i < address.Count; i++)
        {
            child[i] = address[i];
        }

        var readable = new List<string>(allowed.Count);
        foreach (var id in allowed)
        {
            child[^1] = id;
            if (Allowed(rules.CanRead, child, context))
            {
                readable.Add(id);
            }
        }

        return readable;
    }

    public override async ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) =>
        Allowed(rules.CanWrite, address, context) && await Inner.CanWriteAtomAsync(address, atom, context).ConfigureAwait(false);

    public override async ValueTask<bool> CanRemoveAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) =>
        Allowed(rules.CanWrite, address, context) && await Inner.CanRemoveAtomAsync(address, context).ConfigureAwait(false);

    private bool Allowed(Func<ClaimsPrincipal, IReadOnlyList<string>, bool> rule, IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) =>
        Ids.PeerOf(context) is not { } peer || (userOf(peer) is { } user && rule(user, address));
}
