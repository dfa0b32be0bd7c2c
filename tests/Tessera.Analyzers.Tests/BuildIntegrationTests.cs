using System.Diagnostics;
using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>
/// The analyzers as users get them: a real <c>dotnet build</c> of a small sample-like project that references
/// the runtime, the generator and the analyzers as built, broken on purpose, must print a TESS warning.
/// </summary>
public class BuildIntegrationTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task BrokenSample_BuildShowsTessWarning()
    {
        var directory = Directory.CreateTempSubdirectory("tessera-broken-sample-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "Broken.csproj"), Project());
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "Counter.cs"), """
                using Tessera;

                namespace Broken;

                [Cached]
                public partial class Counter
                {
                    private static int s_calls;
                    private int _value;

                    public virtual int Next()
                    {
                        s_calls++;
                        return ++_value;
                    }
                }
                """);

            var output = await BuildAsync(directory.FullName);

            Assert.Contains("warning TESS0018", output);
            Assert.Contains("Build succeeded", output);
            Assert.Contains(" 0 Error(s)", output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// References the assemblies built next to these tests rather than the projects: building those again here
    /// would race the solution build and other engineers' builds for the same output files.
    /// </summary>
    private static string Project()
    {
        var bin = AppContext.BaseDirectory;
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{bin}Tessera.dll" />
                <Reference Include="{bin}MemoryPack.Core.dll" />
                <Analyzer Include="{bin}Tessera.Generators.dll" />
                <Analyzer Include="{bin}Tessera.Analyzers.dll" />
              </ItemGroup>
            </Project>
            """;
    }

    private static async Task<string> BuildAsync(string directory)
    {
        var start = new ProcessStartInfo("dotnet", ["build", "-nologo", "-v:m", "-p:TreatWarningsAsErrors=false"])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        using var timeout = new CancellationTokenSource(BuildTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build did not finish within {BuildTimeout}");
        }
        return await stdout + await stderr;
    }
}
