using System.Diagnostics;

namespace Tessera.IntegrationTests;

/// <summary>
/// Runs the <c>dotnet</c> CLI the way a user would, isolated from the test run: its own package cache (or the
/// machine's, when <paramref name="packagesFolder"/> is null), no MSBuild node or compiler server left behind,
/// and no MSBuild settings inherited from <c>dotnet test</c>.
/// </summary>
internal sealed class DotnetCli(string? packagesFolder)
{
    // Set by the dotnet that runs the tests; a child build must find its own SDK instead.
    private static readonly string[] InheritedMsBuildVariables =
        ["MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG"];

    /// <summary>The checkout the tests were built from: the folder above them that holds Sdk.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln"))) return directory.FullName;
        throw new InvalidOperationException($"No Sdk.sln above {AppContext.BaseDirectory}.");
    }

    public async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var name in InheritedMsBuildVariables) info.Environment.Remove(name);
        if (packagesFolder is not null) info.Environment["NUGET_PACKAGES"] = packagesFolder;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        info.Environment["UseSharedCompilation"] = "false";

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        using var cancellation = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var error = process.StandardError.ReadToEndAsync(cancellation.Token);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        var text = await output + await error;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        return text;
    }
}
