namespace Synclets.AspNetCore.Tests;

/// <summary>
/// The guard a store room puts around its hooks when some connections are read-only adds a write
/// rule only: the room keeps the fast paths its own hooks allow (it lost streaming before).
/// </summary>
public class ReadOnlyGuardHooksTests
{
    [Fact]
    public async Task The_guard_declares_what_the_rooms_hooks_declare_and_refuses_read_only_writes()
    {
        var guardOverDefaults = new ReadOnlyGuardHooks(SyncletHooks.AllowAll, peer => peer == "viewer");
        Assert.Equal(SyncletHookUses.None, guardOverDefaults.Uses);
        Assert.Equal(SyncletHookUses.All, new ReadOnlyGuardHooks(new Undeclared(), _ => false).Uses);

        Assert.False(await guardOverDefaults.CanWriteAtomAsync(["r", "c"], "x", new Dictionary<string, Atom> { [Ids.PeerContextKey] = "viewer" }));
        Assert.True(await guardOverDefaults.CanWriteAtomAsync(["r", "c"], "x", new Dictionary<string, Atom> { [Ids.PeerContextKey] = "editor" }));
    }

    private sealed class Undeclared : SyncletHooks;
}
