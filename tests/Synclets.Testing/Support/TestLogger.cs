using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Synclets.Tests.Support;

/// <summary>A logger factory that keeps every entry, so tests can assert on warnings.</summary>
public sealed class TestLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Entries { get; } = new();

    public IEnumerable<string> Warnings => Entries.Where(entry => entry.Level >= LogLevel.Warning).Select(entry => entry.Text);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerFactory factory) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            factory.Entries.Enqueue((logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
    }
}
