using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Synclets.Benchmarks.Scenarios;
using Synclets.Protocol;
using Synclets.Sqlite;
using Synclets.Transports;

namespace Synclets.Benchmarks.Micro;

/// <summary>
/// The sending end of a typed initial sync, alone: a typed SQLite table of 10,000 rows of ten
/// columns answers an empty peer (root hash 0) with every atom, streamed as messages that a
/// receiver drops on arrival. The counterpart of <see cref="TypedReceiverBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class TypedSenderBenchmarks
{
    private const int Rows = 10_000;
    private readonly string _emptyPeersHash = MessageWriter.Write(new Message(2, [], new HashNode(0), Message.EmptyContext));
    private DirectoryInfo _folder = null!;
    private TypedSqliteStore<WideRow> _store = null!;
    private Synclet _synclet = null!;
    private Transport _peer = null!;
    private MessageCounter _received = null!;

    [GlobalSetup]
    public async Task FillStore()
    {
        _folder = Directory.CreateTempSubdirectory("synclets-sender-bench-");
        _store = await TypedSqliteStore.OpenAsync<WideRow>(Path.Combine(_folder.FullName, "source.db"));
        await TypedSqliteScenario.FillAsync(_store, Rows);
        var pool = new MemoryPool();
        _peer = pool.CreateTransport();
        _received = new MessageCounter();
        await _peer.AttachAsync(_received, NullLogger.Instance, CancellationToken.None);
        _synclet = new Synclet(_store, _store, pool.CreateTransport(), new SyncletOptions { Id = "sender" });
        await _synclet.StartAsync();
        await _synclet.WhenIdleAsync();
    }

    [Benchmark]
    public async Task<int> Answer10000RowsToAnEmptyPeer()
    {
        _received.Count = 0;
        await _peer.SendMessageAsync("sender", _emptyPeersHash.AsMemory(), CancellationToken.None);
        await _synclet.WhenIdleAsync();
        return _received.Count;
    }

    [GlobalCleanup]
    public async Task DeleteFiles()
    {
        await _synclet.DisposeAsync();
        await _peer.DisposeAsync();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    /// <summary>A peer that only counts what arrives.</summary>
    private sealed class MessageCounter : IMessageReceiver
    {
        public int Count { get; set; }

        public string Id => "empty";

        public void OnMessage(Transport transport, string from, ReadOnlyMemory<char>[] messageParts) => Count++;

        public ValueTask WhenReadyForMoreAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void OnResyncRequested(Transport transport)
        {
        }
    }
}
