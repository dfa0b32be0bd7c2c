using Microsoft.Extensions.Logging;

namespace Tessera.Runtime.Tests.FaultHandling;

internal sealed class ZzDebugLog : ILoggerProvider, ILoggerFactory
{
    public static readonly ZzDebugLog Instance = new();
    private readonly object _gate = new();
    public List<string> Lines { get; } = new();
    public void Clear() { lock (_gate) Lines.Clear(); }
    public void Dump(string path) { lock (_gate) File.WriteAllLines(path, Lines); }
    public ILogger CreateLogger(string categoryName) => new L(this, categoryName);
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }
    private sealed class L(ZzDebugLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        { lock (log._gate) log.Lines.Add($"{DateTime.Now:HH:mm:ss.fff} [{Environment.CurrentManagedThreadId}] {logLevel} {category}: {formatter(state, exception)}"); }
    }
}
