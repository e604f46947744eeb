using System.Runtime.CompilerServices;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.Tests.Engine;

/// <summary>
/// The engine's fast paths follow what the hooks declare (<see cref="SyncletHooks.Uses"/>), not
/// their type: hooks that only authorize writes still stream replies from the store, hooks that
/// say nothing are taken to do everything, and a kind not declared is never called.
/// </summary>
public class DeclaredHooksTests
{
    [Fact]
    public async Task Hooks_that_declare_only_write_rules_stream_replies_from_the_store()
    {
        var (meta, data) = await SeededStoreAsync();
        Assert.Equal(SyncletHookUses.None, new WriteRulesOnly().Uses);

        await SyncToAnEmptyPeerAsync(data, meta, new WriteRulesOnly());

        Assert.True(meta.SubtreeReads > 0, "The reply to an empty peer was not streamed from the store.");
    }

    [Fact]
    public async Task Hooks_that_do_not_declare_are_taken_to_use_read_rules_and_their_rules_apply()
    {
        var (meta, data) = await SeededStoreAsync();
        var hooks = new HidesSecrets();
        Assert.Equal(SyncletHookUses.All, hooks.Uses);

        var received = await SyncToAnEmptyPeerAsync(data, meta, hooks);

        Assert.Equal(0, meta.SubtreeReads); // Read rules are applied atom by atom: no stream.
        Assert.DoesNotContain("secret", received, StringComparison.Ordinal);
        Assert.Contains("open", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kind_the_hooks_do_not_declare_is_never_called()
    {
        var (meta, data) = await SeededStoreAsync();
        var hooks = new ObserverThatOverridesReadsUndeclared();

        var received = await SyncToAnEmptyPeerAsync(data, meta, hooks);

        Assert.Equal(0, hooks.ReadChecks);
        Assert.True(hooks.MessagesSeen > 0);
        Assert.Contains("secret", received, StringComparison.Ordinal);
    }

    /// <summary>Two tables of rows, one cell "secret" in each row.</summary>
    private static async Task<(CountingSubtreeMeta Meta, MemoryDataConnector Data)> SeededStoreAsync()
    {
        var data = new MemoryDataConnector(3);
        var meta = new CountingSubtreeMeta(new MemoryMetaConnector(3), data);
        await using var writer = new Synclet(data, meta);
        foreach (var table in new[] { "t1", "t2" })
        {
            for (var row = 0; row < 5; row++)
            {
                await writer.SetAtomsAsync([table, "r" + row], [new("open", "o" + row), new("secret", "s" + row)]);
            }
        }

        return (meta, data);
    }

    /// <summary>Starts the seeded store with <paramref name="hooks"/> and an empty peer; returns what the peer holds once both are idle.</summary>
    private static async Task<string> SyncToAnEmptyPeerAsync(MemoryDataConnector data, CountingSubtreeMeta meta, SyncletHooks hooks)
    {
        var pool = new MemoryPool();
        await using var store = new Synclet(data, meta, pool.CreateTransport(), new SyncletOptions { Id = "store", Hooks = hooks });
        await using var peer = new Synclet(new MemoryDataConnector(3), new MemoryMetaConnector(3), pool.CreateTransport(), new SyncletOptions { Id = "peer" });
        await store.StartAsync();
        await peer.StartAsync();
        await Quiescence.WaitAsync(store, peer, pool);
        return (await peer.GetDataAsync()).ToJsonString();
    }

    private sealed class WriteRulesOnly : SyncletHooks
    {
        public override SyncletHookUses Uses => SyncletHookUses.None;

        public override ValueTask<bool> CanWriteAtomAsync(IReadOnlyList<string> address, Atom atom, IReadOnlyDictionary<string, Atom> context) =>
            ValueTask.FromResult(address[^1] != "locked");
    }

    private sealed class HidesSecrets : SyncletHooks
    {
        public override ValueTask<bool> CanReadAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context) =>
            ValueTask.FromResult(address[^1] != "secret");
    }

    private sealed class ObserverThatOverridesReadsUndeclared : SyncletHooks
    {
        public int ReadChecks { get; private set; }

        public int MessagesSeen { get; private set; }

        public override SyncletHookUses Uses => SyncletHookUses.SentMessages;

        public override ValueTask<bool> CanReadAtomAsync(IReadOnlyList<string> address, IReadOnlyDictionary<string, Atom> context)
        {
            ReadChecks++;
            return ValueTask.FromResult(false);
        }

        public override void OnSendMessage(global::Synclets.Protocol.Message message, string recipient) => MessagesSeen++;
    }

    /// <summary>A memory meta connector that can stream a subtree, as a database's can, and counts how often it is asked to.</summary>
    private sealed class CountingSubtreeMeta(MemoryMetaConnector inner, MemoryDataConnector data) : IMetaConnector, ISubtreeReader
    {
        public int SubtreeReads { get; private set; }

        public int Depth => inner.Depth;

        public ValueTask<string> GetTimestampAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => inner.GetTimestampAsync(address, cancellationToken);

        public ValueTask SetTimestampAsync(IReadOnlyList<string> address, string timestamp, CancellationToken cancellationToken = default) => inner.SetTimestampAsync(address, timestamp, cancellationToken);

        public ValueTask<IReadOnlyCollection<string>> GetChildIdsAsync(IReadOnlyList<string> address, CancellationToken cancellationToken = default) => inner.GetChildIdsAsync(address, cancellationToken);

        public async IAsyncEnumerable<SubtreeAtom> ReadSubtreeAsync(IReadOnlyList<string> parentAddress, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            SubtreeReads++;
            await foreach (var atom in WalkAsync([.. parentAddress], cancellationToken))
            {
                yield return atom;
            }
        }

        private async IAsyncEnumerable<SubtreeAtom> WalkAsync(List<string> address, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var id in (await inner.GetChildIdsAsync(address, cancellationToken)).Order(StringComparer.Ordinal))
            {
                List<string> child = [.. address, id];
                if (child.Count == Depth)
                {
                    yield return new SubtreeAtom(child, await inner.GetTimestampAsync(child, cancellationToken), await data.GetAtomAsync(child, cancellationToken));
                    continue;
                }

                await foreach (var atom in WalkAsync(child, cancellationToken))
                {
                    yield return atom;
                }
            }
        }
    }
}
