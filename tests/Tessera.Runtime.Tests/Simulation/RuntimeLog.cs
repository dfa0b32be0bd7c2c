using Microsoft.Extensions.Logging;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// A site's own log, folded into the run's: what the migratory protocol decided (skips, losses) and every
/// warning, each line marked with its site, so a failing seed shows the runtime's side of the story too.
/// <c>TESSERA_SIM_TRACE=1</c> adds the migratory protocol's debug lines (every move), for replaying one seed.
/// </summary>
internal sealed class RuntimeLog(EventLog log, int site) : ILoggerFactory, ILogger
{
    private const string Migratory = "Tessera.Migratory";
    private static readonly LogLevel MigratoryLevel = Environment.GetEnvironmentVariable("TESSERA_SIM_TRACE") == "1" ? LogLevel.Debug : LogLevel.Information;
    private string _category = "";

    public ILogger CreateLogger(string categoryName) => new RuntimeLog(log, site) { _category = categoryName };

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The simulation's runtime log has no providers.");

    public bool IsEnabled(LogLevel logLevel) => logLevel >= (_category == Migratory ? MigratoryLevel : LogLevel.Warning);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) log.Add($"s{site} [{_category} {logLevel}] {formatter(state, exception)}");
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public void Dispose()
    {
    }
}
