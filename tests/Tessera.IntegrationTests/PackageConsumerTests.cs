using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>
/// Issue 8's consumer test: pack Tessera into a temporary feed, build a fresh console app that references it by
/// name, and run two processes of that app that exchange tickets over TCP.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private readonly string _root = Directory.CreateTempSubdirectory("tessera-consumer-").FullName;
    private readonly DotnetCli _dotnet;

    public PackageConsumerTests() => _dotnet = new DotnetCli(Path.Combine(_root, "packages"));

    [Fact]
    public async Task Fresh_console_app_builds_against_the_package_and_two_processes_call_each_other()
    {
        var feed = Path.Combine(_root, "feed");
        var app = Path.Combine(_root, "app");
        await _dotnet.RunAsync(_root, StepTimeout, "pack", Path.Combine(DotnetCli.RepositoryRoot(), "Runtime", "Tessera.csproj"),
            "-c", "Release", "-o", feed, "--artifacts-path", Path.Combine(_root, "artifacts"), "-nodeReuse:false");
        Assert.True(File.Exists(Path.Combine(feed, "Tessera.0.1.0.nupkg")));
        Assert.True(File.Exists(Path.Combine(feed, "Tessera.0.1.0.snupkg")));

        var sources = await MachineSourcesAsync();
        await _dotnet.RunAsync(_root, StepTimeout, "new", "console", "-o", app, "--no-restore");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), ConsumerApp.NuGetConfig(feed, sources));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ConsumerApp.Program);
        await File.WriteAllTextAsync(Path.Combine(app, "Greeter.cs"), ConsumerApp.Greeter);
        await File.WriteAllTextAsync(Path.Combine(app, "Tally.cs"), ConsumerApp.Tally);
        await _dotnet.RunAsync(app, StepTimeout, "add", "package", "Tessera", "--version", "0.1.0");

        var build = await _dotnet.RunAsync(app, StepTimeout, "build", "-c", "Release", "-nodeReuse:false");
        Assert.Contains("warning TESS0018", build);
        Assert.DoesNotContain(": error ", build);

        var dll = Path.Combine(app, "bin", "Release", "net10.0", "app.dll");
        var ticketFile = Path.Combine(_root, "tickets");
        await using var home = ChildProcess.StartPath(dll, "offer", ticketFile);
        await WaitForFileAsync(ticketFile, home);
        var (exitCode, output, error) = await ChildProcess.RunPathAsync(RunTimeout, dll, "take", ticketFile);

        Assert.True(exitCode == 0, $"take exited with {exitCode}: {error}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"hello consumer from home #1 pid={home.Id}", lines[0]);
        Assert.StartsWith("tally=5 pid=", lines[1]);
        Assert.NotEqual($"tally=5 pid={home.Id}", lines[1]);
        await home.StopAsync(RunTimeout);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The package's dependencies restore from wherever this machine normally restores them.</summary>
    private async Task<IReadOnlyList<string>> MachineSourcesAsync()
    {
        var listing = await _dotnet.RunAsync(_root, StepTimeout, "nuget", "list", "source", "--format", "short");
        var sources = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith('E'))
            .Select(line => line[1..].Trim())
            .ToList();
        Assert.NotEmpty(sources);
        return sources;
    }

    private static async Task WaitForFileAsync(string path, ChildProcess writer)
    {
        using var cancellation = new CancellationTokenSource(RunTimeout);
        while (!File.Exists(path))
        {
            if (writer.HasExited)
                throw new InvalidOperationException($"offer exited before writing its tickets: {await writer.StandardError.ReadToEndAsync(cancellation.Token)}");
            await Task.Delay(20, cancellation.Token);
        }
    }
}
