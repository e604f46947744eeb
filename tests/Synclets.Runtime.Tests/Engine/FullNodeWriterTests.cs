using CsCheck;
using Synclets.Protocol;

namespace Synclets.Tests.Engine;

/// <summary>
/// The full-node text writer must write exactly what the reply builder streams for the same atoms
/// (every list partial), as a long reply and as what a message applied, sent on: peers (JavaScript
/// ones included) cannot tell which wrote a message.
/// </summary>
public class FullNodeWriterTests
{
    private static readonly Gen<string> Ids = Gen.OneOfConst("a", "b", "c", "q\"uote", "line\nbreak", "é😀", "\uD800lone", "0", "2", "10", "01", "\uFFFC");

    private static readonly Gen<Atom> Atoms = Gen.OneOf(
        Gen.OneOfConst(Atom.Absent, Atom.Null, true, false),
        Gen.Double[-1e6, 1e6].Select(Atom.FromNumber),
        Ids.Select(Atom.FromString));

    [Fact]
    public void Writes_the_same_messages_as_the_reply_builder()
    {
        var cases =
            from depth in Gen.Int[2, 4]
            from baseLength in Gen.Int[0, depth - 2]
            from baseAddress in Ids.Array[baseLength]
            from below in Gen.Select(Ids.Array[depth - baseLength], Atoms).Array[1, 40]
            from maxNodes in Gen.Int[1, 12]
            from withContext in Gen.Bool
            from propagating in Gen.Bool
            select (depth, baseAddress, below, maxNodes, withContext, propagating);

        cases.Sample(sample =>
        {
            var (depth, baseAddress, below, maxNodes, withContext, propagating) = sample;
            IReadOnlyDictionary<string, Atom> context = withContext ? new Dictionary<string, Atom> { ["token"] = "t\"1" } : Message.EmptyContext;

            // As a subtree reader streams them: one atom an address, grouped by parent (sorted).
            var atoms = below
                .Select(pair => (Address: (string[])[.. baseAddress, .. pair.Item1], Atom: pair.Item2))
                .DistinctBy(atom => string.Join('\u0000', atom.Address))
                .OrderBy(atom => string.Join('\u0000', atom.Address), StringComparer.Ordinal)
                .Select((atom, i) => (atom.Address, Timestamp: Timestamp.Encode(1_700_000_000_000 + i, i, 7), atom.Atom))
                .ToList();

            var fromBuilder = new List<string>();
            var builder = new ReplyBuilder(baseAddress, maxNodes, alwaysPartial: propagating, (node, _) =>
            {
                // The text writer marks every list partial: it writes full nodes only for children
                // the peer lacks altogether, where a whole list would ask it for nothing more.
                fromBuilder.Add(MessageWriter.Write(new Message(depth, baseAddress, node, context), forcePartial: true));
                return ValueTask.CompletedTask;
            });
            if (!propagating)
            {
                builder.EnsureList(); // A reply to an empty peer is a list even when empty.
            }

            foreach (var (address, timestamp, atom) in atoms)
            {
                builder.AddAtAsync(address, new TimestampAndAtomNode(timestamp, atom)).AsTask().GetAwaiter().GetResult();
            }

            builder.FinishAsync().AsTask().GetAwaiter().GetResult();

            var fromText = new List<string>();
            var text = new FullNodeWriter(depth, baseAddress, context, maxNodes, message =>
            {
                fromText.Add(message.ToString());
                return ValueTask.CompletedTask;
            });
            foreach (var (address, timestamp, atom) in atoms)
            {
                text.AddAsync(address, timestamp, atom).AsTask().GetAwaiter().GetResult();
            }

            text.FinishAsync().AsTask().GetAwaiter().GetResult();

            // A reply is written as text only when it takes more than one message.
            if (propagating || atoms.Count >= maxNodes)
            {
                Assert.Equal(fromBuilder, fromText);
            }

            Assert.Equal(atoms.Count, fromText.Sum(message => CountAtoms(MessageReader.Read(message, depth).Node)));
        });
    }

    private static int CountAtoms(Node node) =>
        node is SubNodesNode list ? list.Children.Values.Sum(CountAtoms) : 1;
}
