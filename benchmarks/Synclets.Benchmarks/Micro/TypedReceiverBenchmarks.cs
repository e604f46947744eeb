using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Synclets.Benchmarks.Scenarios;
using Synclets.Protocol;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.Benchmarks.Micro;

/// <summary>
/// The receiving end of a typed initial sync, alone: 10,000 rows of ten columns, as the five
/// streamed messages a sender writes, applied to an empty typed SQLite table. The end-to-end
/// scenario shares two cores between both ends; this isolates the end that bounds it.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class TypedReceiverBenchmarks
{
    private const int Rows = 10_000;
    private readonly List<string> _messages = [];
    private DirectoryInfo _folder = null!;
    private TypedSqliteStore<WideRow> _store = null!;
    private Synclet _synclet = null!;
    private Transport _transport = null!;

    [GlobalSetup]
    public void WriteMessages()
    {
        var clock = new HybridLogicalClock("sender");
        var maxNodes = new SyncletOptions().MaxNodesPerMessage;
        for (var first = 0; first < Rows; first += maxNodes / 10)
        {
            var rows = new SubNodesNode(partial: true);
            for (var row = first; row < Math.Min(Rows, first + (maxNodes / 10)); row++)
            {
                var cells = new SubNodesNode(partial: true);
                for (var column = 0; column < 10; column++)
                {
                    cells.Children[$"c{column}"] = new TimestampAndAtomNode(clock.Next(), $"value {row}-{column}");
                }

                rows.Children[$"r{row}"] = cells;
            }

            _messages.Add(MessageWriter.Write(new Message(2, [], rows, Message.EmptyContext), forcePartial: true));
        }

        _folder = Directory.CreateTempSubdirectory("synclets-receiver-bench-");
    }

    [IterationSetup]
    public void OpenEmptyStore()
    {
        _store = TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(_folder.FullName, Guid.NewGuid().ToString("N") + ".db")).GetAwaiter().GetResult();
        _transport = new MemoryPool().CreateTransport();
        _synclet = new Synclet(_store, _store, _transport, new SyncletOptions { Id = "receiver" });
        _synclet.StartAsync().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task Apply10000Rows()
    {
        var receiver = (IMessageReceiver)_synclet;
        foreach (var message in _messages)
        {
            receiver.OnMessage(_transport, "sender", [message.AsMemory()]);
        }

        await _synclet.WhenIdleAsync();
    }

    [IterationCleanup]
    public void Close()
    {
        _synclet.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void DeleteFiles()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
