namespace Tessera.IntegrationTests;

internal static class TicketFile
{
    public static string NewPath() => Path.Combine(Path.GetTempPath(), $"tessera-test-{Guid.NewGuid():N}.ticket");

    /// <summary>Waits for a server to publish its ticket; the servers write it atomically (write, then rename).</summary>
    public static async Task<string> WaitAsync(string path, ChildProcess server, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (!File.Exists(path))
        {
            if (server.HasExited)
                throw new InvalidOperationException($"The server exited before writing its ticket: {await server.StandardError.ReadToEndAsync(cancellation.Token)}");
            await Task.Delay(20, cancellation.Token);
        }
        var ticket = (await File.ReadAllTextAsync(path, cancellation.Token)).Trim();
        File.Delete(path);
        return ticket;
    }
}
