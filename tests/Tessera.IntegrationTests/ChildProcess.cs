using System.Diagnostics;

namespace Tessera.IntegrationTests;

/// <summary>
/// A real OS process running one of the solution's programs with <c>dotnet</c>. Killed on dispose,
/// so a failing test never leaves a server behind.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public StreamReader StandardOutput => _process.StandardOutput;

    public StreamReader StandardError => _process.StandardError;

    public StreamWriter StandardInput => _process.StandardInput;

    /// <param name="assemblyName">A program copied next to the tests, e.g. <c>Coder</c>.</param>
    public static ChildProcess Start(string assemblyName, params string[] arguments) =>
        StartPath(Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll"), arguments);

    /// <param name="assemblyPath">The full path of a built program, e.g. one the test compiled itself.</param>
    public static ChildProcess StartPath(string assemblyPath, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assemblyPath);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {assemblyPath}."));
    }

    /// <summary>Runs a program to completion and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, string assemblyName, params string[] arguments) =>
        RunPathAsync(timeout, Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll"), arguments);

    /// <summary>Runs a program given by its full path to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunPathAsync(TimeSpan timeout, string assemblyPath, params string[] arguments)
    {
        await using var child = StartPath(assemblyPath, arguments);
        child._process.StandardInput.Close();
        using var cancellation = new CancellationTokenSource(timeout);
        var output = child._process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var error = child._process.StandardError.ReadToEndAsync(cancellation.Token);
        await child._process.WaitForExitAsync(cancellation.Token);
        return (child._process.ExitCode, await output, await error);
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Closes stdin, which the servers here take as the signal to stop, then waits.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        _process.StandardInput.Close();
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cancellation.Token);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
