using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Synclets.Orleans.Tests;

/// <summary>A log provider that lets a test wait for an event (a room deactivated, say): a signal, not a sleep.</summary>
public sealed class LogSignals : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, string Text)> _entries = new();
    private readonly Lock _gate = new();
    private readonly List<(int EventId, int Count, TaskCompletionSource Seen)> _waiters = [];

    /// <summary>Completes once event <paramref name="eventId"/> has been logged <paramref name="count"/> times, counting from the start.</summary>
    public Task WhenLoggedAsync(int eventId, int count = 1)
    {
        lock (_gate)
        {
            if (_entries.Count(entry => entry.EventId == eventId) >= count)
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((eventId, count, seen));
            return seen.Task;
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(int eventId, string text)
    {
        lock (_gate)
        {
            _entries.Enqueue((eventId, text));
            var total = _entries.Count(entry => entry.EventId == eventId);
            foreach (var waiter in _waiters.Where(waiter => waiter.EventId == eventId && total >= waiter.Count).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    private sealed class Logger(LogSignals signals, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith("Synclets", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                signals.Add(eventId.Id, formatter(state, exception));
            }
        }
    }
}
