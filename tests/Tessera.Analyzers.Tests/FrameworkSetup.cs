using Microsoft.CodeAnalysis.Testing;

namespace Tessera.Analyzers.Tests;

/// <summary>What the tests built on Microsoft.CodeAnalysis.Testing share.</summary>
internal static class FrameworkSetup
{
    /// <summary>Prepended to every test source so each test shows only the declarations it is about.</summary>
    public const string Usings = "using System; using System.Threading; using System.Threading.Tasks; using Tessera;\n";

    // The framework's own ReferenceAssemblies.Net.Net100 asks for a package version the feed here does not serve.
    public static readonly ReferenceAssemblies Net100 = new("net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.10"), Path.Combine("ref", "net10.0"));
}
