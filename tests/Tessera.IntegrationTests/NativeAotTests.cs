using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Tessera.IntegrationTests;

/// <summary>
/// Issue 8's NativeAOT check: the Coder sample publishes as a trimmed NativeAOT executable with no warning at all,
/// and two such processes, with no .NET runtime underneath, offer and take a Coder in each protocol.
/// </summary>
public sealed partial class NativeAotTests(ITestOutputHelper output) : IDisposable
{
    // A clean publish takes about 40 s on two cores; the bound leaves room for a loaded CI machine.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private readonly string _root = Directory.CreateTempSubdirectory("tessera-aot-").FullName;

    [Fact]
    public async Task The_Coder_sample_publishes_with_NativeAOT_without_warnings_and_two_native_processes_call_each_other()
    {
        var published = Path.Combine(_root, "publish");
        var started = TimeProvider.System.GetTimestamp();
        // The machine's package cache: the ILCompiler packages are large, and a fresh cache would download them again.
        var log = await new DotnetCli(packagesFolder: null).RunAsync(_root, PublishTimeout, "publish",
            Path.Combine(DotnetCli.RepositoryRoot(), "samples", "Coder", "Coder.csproj"), "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            "-o", published, "--artifacts-path", Path.Combine(_root, "artifacts"), "-nodeReuse:false");
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        Assert.Empty(Warnings().Matches(log).Select(match => match.Value));
        var executable = Path.Combine(published, "Coder");
        Assert.True(File.Exists(executable), $"no native Coder in {published}:\n{log}");
        Assert.False(File.Exists(Path.Combine(published, "Coder.dll")), "the publish is not native: Coder.dll is there");
        output.WriteLine($"NativeAOT publish: {elapsed.TotalSeconds:0} s, Coder {new FileInfo(executable).Length / 1024} KiB");

        await AssertOfferAndTakeAsync(executable, "stationary", "100", "347", "22", "messages sent=4 received=4");
        await AssertOfferAndTakeAsync(executable, "cached", "100", "347", "22", "messages sent=2 received=2");
        await AssertOfferAndTakeAsync(executable, "async", "100", "347", "22", "sum=469", "messages sent=4 received=4");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task AssertOfferAndTakeAsync(string executable, string mode, params string[] expected)
    {
        var ticketFile = Path.Combine(_root, mode + ".ticket");
        await using var offer = ChildProcess.StartExecutable(executable, "offer", "--mode", mode, "--ticket-file", ticketFile);
        var ticket = await TicketFile.WaitAsync(ticketFile, offer, RunTimeout);

        var (exitCode, stdout, stderr) = await ChildProcess.RunExecutableAsync(RunTimeout, executable, "take", ticket, "--mode", mode);

        Assert.True(exitCode == 0, $"take --mode {mode} exited with {exitCode}: {stderr}");
        Assert.Equal(expected, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        await offer.StopAsync(RunTimeout);
    }

    // MSBuild's and the compilers' warning lines: "file(1,2): warning IL2026: ..." or "ILC : Trim analysis warning ...".
    [GeneratedRegex(@"^.*\bwarning\b.*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex Warnings();
}
