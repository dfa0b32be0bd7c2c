using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>A Tessera.TestHost process serving one Calculator, and its unlimited ticket.</summary>
internal sealed class CalculatorServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private CalculatorServer(ChildProcess process, string ticket)
    {
        Process = process;
        Ticket = ticket;
    }

    public ChildProcess Process { get; }

    public string Ticket { get; }

    /// <param name="options">More <c>serve</c> options, e.g. <c>--listen</c> and <c>--advertise</c>.</param>
    public static async Task<CalculatorServer> StartAsync(params string[] options)
    {
        var ticketFile = TicketFile.NewPath();
        var process = ChildProcess.Start("Tessera.TestHost", ["serve", ticketFile, .. options]);
        try
        {
            return new CalculatorServer(process, await TicketFile.WaitAsync(ticketFile, process, StartTimeout));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

/// <summary>One server process shared by the tests of a class.</summary>
public sealed class CalculatorServerFixture : IAsyncLifetime
{
    private CalculatorServer? _server;

    public string Ticket => _server?.Ticket ?? throw new InvalidOperationException("The server has not started.");

    public int ProcessId => _server?.Process.Id ?? 0;

    public async Task InitializeAsync() => _server = await CalculatorServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
