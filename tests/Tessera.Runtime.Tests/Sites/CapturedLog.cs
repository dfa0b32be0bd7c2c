using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>A site's log lines from Information up, kept so a test can read why the site did what it did.</summary>
internal sealed class CapturedLog : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Category(_lines);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("A captured log has no providers.");

    public void Dispose()
    {
    }

    private sealed class Category(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines.Enqueue(formatter(state, exception));
        }
    }
}
