using BenchmarkDotNet.Attributes;
using Synclets.Protocol;
using Synclets.Transports;

namespace Synclets.Benchmarks.Micro;

/// <summary>The per-atom and per-packet hot paths.</summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private readonly HybridLogicalClock _clock = new("bench");
    private readonly string _timestamp = Timestamp.Encode(1767225600000, 5, 12345);
    private string _batchText = string.Empty;
    private Message _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rows = new SubNodesNode();
        for (var row = 0; row < 200; row++)
        {
            var columns = new SubNodesNode();
            for (var column = 0; column < 10; column++)
            {
                columns.Children[$"c{column}"] = new TimestampAndAtomNode(_timestamp, column % 2 == 0 ? $"value {row}-{column}" : (Atom)(row * 1.5));
            }

            rows.Children[$"r{row}"] = columns;
        }

        _batch = new Message(2, [], rows, Message.EmptyContext);
        _batchText = MessageWriter.Write(_batch);
    }

    [Benchmark]
    public string ClockNext() => _clock.Next();

    [Benchmark]
    public uint HashTimestamp() => Fnv1a.Hash(_timestamp);

    [Benchmark]
    public string Write2000Atoms() => MessageWriter.Write(_batch);

    [Benchmark]
    public Message Read2000Atoms() => MessageReader.Read(_batchText, 2);

    [Benchmark]
    public int Fragment2000Atoms() => Packet.Split("*", _batchText, 4096).Count();
}
