using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>
/// A server half running in its own process: this same program, started with a <c>serve-*</c> verb.
/// It announces itself with one line on stdout; it dies with the benchmark however the benchmark ends.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, bool> Live = new();
    private readonly Process _process;

    static ChildProcess()
    {
        // Normal exits, unhandled exceptions and Ctrl-C all end up here; the children's stdin closing with
        // this process is the backstop for SIGKILL, which runs no handler.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
    }

    private ChildProcess(Process process) => _process = process;

    public string Announcement { get; private set; } = "";

    /// <summary>Asks the child for its CPU time and allocated bytes so far (see <see cref="ChildControl"/>).</summary>
    public async Task<ProcessSample> SampleAsync(CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(ChildControl.StatsRequest.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        return ProcessSample.Parse(line ?? throw new InvalidOperationException($"Child process {_process.Id} exited instead of answering a stats request."));
    }

    public static async Task<ChildProcess> StartAsync(string verb, TimeSpan readyTimeout, CancellationToken cancellationToken, params string[] arguments)
    {
        var info = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        // Under `dotnet foo.dll` the process path is the muxer, which needs the assembly to run.
        if (System.IO.Path.GetFileNameWithoutExtension(info.FileName) == "dotnet") info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        info.ArgumentList.Add(verb);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);

        var child = new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start the {verb} process."));
        Live[child] = true;
        try
        {
            var line = await child._process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(readyTimeout, cancellationToken);
            child.Announcement = line ?? throw new InvalidOperationException($"The {verb} process exited (code {ExitCodeOf(child._process)}) before announcing itself.");
            return child;
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Live.TryRemove(this, out _);
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"Child process {_process.Id} did not exit within 5 s of being killed.");
        }
        _process.Dispose();
    }

    private static void KillAll()
    {
        foreach (var child in Live.Keys) child.Kill();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string ExitCodeOf(Process process) => process.WaitForExit(1000) ? process.ExitCode.ToString() : "unknown";
}
