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
    public static ChildProcess StartPath(string assemblyPath, params string[] arguments) => StartProgram("dotnet", [assemblyPath, .. arguments]);

    /// <param name="executable">The full path of a native executable, e.g. a NativeAOT build.</param>
    public static ChildProcess StartExecutable(string executable, params string[] arguments) => StartProgram(executable, arguments);

    /// <summary>Runs a program to completion and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, string assemblyName, params string[] arguments) =>
        RunPathAsync(timeout, Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll"), arguments);

    /// <summary>Runs a program given by its full path to completion and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunPathAsync(TimeSpan timeout, string assemblyPath, params string[] arguments) =>
        RunToEndAsync(StartPath(assemblyPath, arguments), timeout);

    /// <summary>Runs a native executable to completion and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunExecutableAsync(TimeSpan timeout, string executable, params string[] arguments) =>
        RunToEndAsync(StartExecutable(executable, arguments), timeout);

    public void Kill() => _process.Kill(entireProcessTree: true);

    private static ChildProcess StartProgram(string fileName, string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName} {string.Join(' ', arguments)}."));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunToEndAsync(ChildProcess started, TimeSpan timeout)
    {
        await using var child = started;
        child._process.StandardInput.Close();
        using var cancellation = new CancellationTokenSource(timeout);
        var output = child._process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var error = child._process.StandardError.ReadToEndAsync(cancellation.Token);
        await child._process.WaitForExitAsync(cancellation.Token);
        return (child._process.ExitCode, await output, await error);
    }

    /// <summary>Waits for the process to end by itself, and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

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
