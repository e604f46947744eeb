namespace Synclets;

/// <summary>
/// "Stored" as a peer can prove it: an extension of protocol version 1 carried in the message
/// context, so a JavaScript peer (which ignores context keys it does not know) still syncs.
/// </summary>
/// <remarks>
/// A synclet that wants to know asks with its root hash, the context holding
/// <see cref="RequestKey"/> and a fresh nonce. A peer of this library handles that message like
/// any other and, once the unit of work it ran in has committed, answers with its own root hash,
/// the context holding <see cref="ReplyKey"/> and the nonce. Each peer handles messages in the
/// order they arrive, so the answer means "everything you sent before this is applied and
/// committed", unless it says (<see cref="FailedKey"/>) that some of it failed to apply; equal
/// hashes mean the two trees are the same. The waits live on the work loop, so they need no locks.
/// </remarks>
internal sealed class Acknowledgements
{
    /// <summary>The context key of a request for an acknowledgement (reserved: no peer's data uses it).</summary>
    public const string RequestKey = "\uFFFAack";

    /// <summary>The context key of an acknowledgement.</summary>
    public const string ReplyKey = "\uFFFAacked";

    /// <summary>In an acknowledgement: how many of the asker's writes were refused since the last one (absent when none).</summary>
    public const string RefusedKey = "\uFFFArefused";

    /// <summary>In an acknowledgement with refusals: why the first was refused.</summary>
    public const string RefusalKey = "\uFFFArefusal";

    /// <summary>
    /// In an acknowledgement with refusals, when some were of atoms unknown here and stamped before
    /// this store's tombstone horizon: the horizon, in milliseconds since the Unix epoch. The asker
    /// was away longer than deletions are kept here and must rejoin (see <see cref="Synclet.RejoinAsync"/>).
    /// </summary>
    public const string HorizonKey = "\uFFFAhorizon";

    /// <summary>
    /// In an acknowledgement: how many of the asker's messages could not be applied since the last
    /// one (their unit of work failed: the store unreachable or locked), absent when none. Then the
    /// answer does not mean "stored": the asker keeps waiting, syncs again (the answer's root hash
    /// starts that) and asks again.
    /// </summary>
    public const string FailedKey = "\uFFFAfailed";

    private readonly Dictionary<string, TaskCompletionSource<Acknowledgement>> _waiting = new(StringComparer.Ordinal);

    /// <summary>Starts waiting for the acknowledgement of <paramref name="nonce"/>.</summary>
    public Task<Acknowledgement> Expect(string nonce)
    {
        if (!_waiting.TryGetValue(nonce, out var waiter))
        {
            waiter = new TaskCompletionSource<Acknowledgement>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add(nonce, waiter);
        }

        return waiter.Task;
    }

    /// <summary>Stops waiting for <paramref name="nonce"/> (its caller gave up).</summary>
    public void Forget(string nonce) => _waiting.Remove(nonce);

    /// <summary>The nonce of an acknowledgement this synclet waits for, from a received context.</summary>
    public bool IsAwaited(IReadOnlyDictionary<string, Atom> context, out string nonce)
    {
        nonce = string.Empty;
        if (_waiting.Count == 0 || !context.TryGetValue(ReplyKey, out var value) || value.Kind != AtomKind.String)
        {
            return false;
        }

        nonce = value.AsString();
        return _waiting.ContainsKey(nonce);
    }

    /// <summary>Completes the wait for <paramref name="nonce"/> with what the peer said.</summary>
    public void Complete(string nonce, Acknowledgement acknowledgement)
    {
        if (_waiting.Remove(nonce, out var waiter))
        {
            waiter.TrySetResult(acknowledgement);
        }
    }

    /// <summary>The refusals an acknowledgement reports, from its context.</summary>
    public static (int Count, string? Reason) RefusalsIn(IReadOnlyDictionary<string, Atom> context) =>
        context.TryGetValue(RefusedKey, out var count) && count.Kind == AtomKind.Number && count.AsNumber() >= 1
            ? ((int)Math.Min(count.AsNumber(), int.MaxValue), context.TryGetValue(RefusalKey, out var reason) && reason.Kind == AtomKind.String ? reason.AsString() : null)
            : (0, null);

    /// <summary>The tombstone horizon an acknowledgement says our writes fell behind, or null.</summary>
    public static DateTimeOffset? HorizonIn(IReadOnlyDictionary<string, Atom> context) =>
        context.TryGetValue(HorizonKey, out var horizon) && horizon.Kind == AtomKind.Number && horizon.AsNumber() is >= 1 and <= Timestamp.MaxTime and var milliseconds
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds)
            : null;

    /// <summary>How many of our messages an acknowledgement says could not be applied (0 when none).</summary>
    public static int FailuresIn(IReadOnlyDictionary<string, Atom> context) =>
        context.TryGetValue(FailedKey, out var count) && count.Kind == AtomKind.Number && count.AsNumber() >= 1 ? (int)Math.Min(count.AsNumber(), int.MaxValue) : 0;

    /// <summary>Stops every wait: the synclet is disposed.</summary>
    public void CancelAll()
    {
        foreach (var waiter in _waiting.Values)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(Synclet), "The synclet was disposed before a peer acknowledged."));
        }

        _waiting.Clear();
    }

    /// <summary>The nonce a peer asked us to acknowledge, from a received context.</summary>
    public static bool IsRequested(IReadOnlyDictionary<string, Atom> context, out string nonce)
    {
        nonce = context.TryGetValue(RequestKey, out var value) && value.Kind == AtomKind.String ? value.AsString() : string.Empty;
        return nonce.Length > 0;
    }
}

/// <summary>What a peer's acknowledgement said: its root hash, ours as it arrived, and how many of our writes it refused since the last one.</summary>
internal readonly record struct Acknowledgement(string Peer, uint Theirs, uint Mine, int Refused, string? Refusal, DateTimeOffset? Horizon);
