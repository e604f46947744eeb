using Synclets.Protocol;

namespace Synclets;

/// <summary>Collects the atoms a received message applied, in the order it applied them, and sends them on to the other peers.</summary>
internal interface IAppliedAtoms
{
    /// <summary>Adds an applied atom, with its timestamp, at its absolute address.</summary>
    ValueTask AddAtAsync(IReadOnlyList<string> address, TimestampAndAtomNode node);

    /// <summary>Sends what is left.</summary>
    ValueTask FinishAsync();
}
