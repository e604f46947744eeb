using Microsoft.Extensions.Logging;

namespace Synclets;

/// <summary>Why a received atom was not applied, when that is a refusal the writer should hear of.</summary>
internal enum RefusalKind
{
    /// <summary>The hooks refused the write or the deletion.</summary>
    ByHooks,

    /// <summary>Stamped beyond now plus the drift bound.</summary>
    TooFarAhead,

    /// <summary>The storage cannot keep it.</summary>
    Unstorable,

    /// <summary>Unknown here and stamped before this store's tombstone horizon: it may be a row deleted and forgotten here.</summary>
    BeforeHorizon,
}

/// <summary>
/// The atoms a synclet refused: counted per message, so each message logs one warning per kind
/// (not one per atom), and per peer since its last acknowledgement, so that the writer hears of
/// them in the next one (see <see cref="Acknowledgements"/>) instead of the replicas staying apart
/// in silence.
/// </summary>
internal sealed class Refusals(SyncletMetrics metrics)
{
    /// <summary>How many peers' refusals are kept for their next acknowledgement.</summary>
    private const int MaxPeers = 4096;

    private readonly (int Count, string? First)[] _inMessage = new (int, string?)[4];
    private readonly Dictionary<string, (int Count, string First, bool BeforeHorizon)> _sinceAcknowledged = new(StringComparer.Ordinal);

    /// <summary>A message starts: nothing refused in it yet.</summary>
    public void StartMessage() => Array.Clear(_inMessage);

    public void Refuse(RefusalKind kind, string detail)
    {
        metrics.Refused(kind);
        ref var slot = ref _inMessage[(int)kind];
        slot.Count++;
        slot.First ??= detail;
    }

    /// <summary>A refusal at <paramref name="address"/>, written out only if it is the first of its kind in the message (a flood of refusals costs no text each).</summary>
    public void Refuse(RefusalKind kind, IReadOnlyList<string> address)
    {
        metrics.Refused(kind);
        ref var slot = ref _inMessage[(int)kind];
        slot.Count++;
        slot.First ??= Protocol.AtomJson.WriteAddress(address);
    }

    /// <summary>The message is handled: logs what it had refused and keeps it for the sender's next acknowledgement.</summary>
    public void FinishMessage(ILogger logger, string syncletId, string from, TimeSpan maxDrift)
    {
        var total = 0;
        string? first = null;
        for (var kind = 0; kind < _inMessage.Length; kind++)
        {
            var (count, detail) = _inMessage[kind];
            if (count == 0)
            {
                continue;
            }

            total += count;
            first ??= detail;
            switch ((RefusalKind)kind)
            {
                case RefusalKind.ByHooks:
                    Log.RefusedByHooks(logger, syncletId, count, Ids.Readable(from), detail!);
                    break;
                case RefusalKind.TooFarAhead:
                    Log.RefusedFutureTimestamps(logger, syncletId, Ids.Readable(from), count, detail!, maxDrift);
                    break;
                case RefusalKind.BeforeHorizon:
                    Log.RefusedBeforeHorizon(logger, syncletId, Ids.Readable(from), count, detail!);
                    break;
                default:
                    Log.RefusedUnstorable(logger, syncletId, Ids.Readable(from), count, detail!);
                    break;
            }
        }

        if (total > 0)
        {
            if (_sinceAcknowledged.Count >= MaxPeers && !_sinceAcknowledged.ContainsKey(from))
            {
                _sinceAcknowledged.Clear(); // Peers that left never ask again: the report is best effort, the memory bounded.
            }

            var (before, firstBefore, wasBeforeHorizon) = _sinceAcknowledged.GetValueOrDefault(from);
            _sinceAcknowledged[from] = (before + total, firstBefore ?? first!, wasBeforeHorizon || _inMessage[(int)RefusalKind.BeforeHorizon].Count > 0);
        }
    }

    /// <summary>What was refused from <paramref name="peer"/> since its last acknowledgement (and whether any of it for the tombstone horizon), then forgotten.</summary>
    public (int Count, string? First, bool BeforeHorizon) TakeForAcknowledgement(string peer) =>
        _sinceAcknowledged.Remove(peer, out var refused) ? refused : (0, null, false);

}
