using Microsoft.Extensions.Logging;
using Synclets.Connectors;
using Synclets.Transports;

namespace Synclets.AspNetCore.Tests;

/// <summary>A client whose depth differs from its store room's is told, in its own logs, instead of being cut off in silence.</summary>
public sealed class DepthMismatchTests
{
    [Fact]
    public async Task A_client_of_another_depth_logs_a_warning_naming_the_room_store_depth()
    {
        await using var host = await BrokerHost.StartAsync(stores: 3, shared: false);
        using var logs = new WarningSignal("depth 3");
        await using var client = new Synclet(new MemoryDataConnector(2), new MemoryMetaConnector(2), new WebSocketTransport(host.Room("deep")), new SyncletOptions { Id = "shallow", LoggerFactory = logs });
        await client.StartAsync();

        var warning = await logs.Seen.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("is for a tree of depth 3, but this synclet's tree has depth 2", warning, StringComparison.Ordinal);
    }

    /// <summary>A logger factory whose <see cref="Seen"/> completes with the first warning that contains a text.</summary>
    private sealed class WarningSignal(string text) : ILoggerFactory, ILogger
    {
        private readonly TaskCompletionSource<string> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Seen => _seen.Task;

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            if (logLevel >= LogLevel.Warning && line.Contains(text, StringComparison.Ordinal))
            {
                _seen.TrySetResult(line);
            }
        }

        public void Dispose()
        {
        }
    }
}
