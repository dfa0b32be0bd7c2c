using Microsoft.CodeAnalysis;

namespace Tessera.Analyzers;

/// <summary>The BCL members that are bound to the running thread or async flow (TESS0021), resolved once per compilation.</summary>
internal sealed class ThreadSymbols
{
    private readonly INamedTypeSymbol? _threadStatic;
    private readonly INamedTypeSymbol? _threadLocal;
    private readonly INamedTypeSymbol? _asyncLocal;
    private readonly INamedTypeSymbol? _thread;
    private readonly INamedTypeSymbol? _environment;

    public ThreadSymbols(Compilation compilation)
    {
        _threadStatic = compilation.GetTypeByMetadataName("System.ThreadStaticAttribute");
        _threadLocal = compilation.GetTypeByMetadataName("System.Threading.ThreadLocal`1");
        _asyncLocal = compilation.GetTypeByMetadataName("System.Threading.AsyncLocal`1");
        _thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        _environment = compilation.GetTypeByMetadataName("System.Environment");
    }

    public bool IsThreadStatic(IFieldSymbol field)
    {
        foreach (var attribute in field.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _threadStatic)) return true;
        }
        return false;
    }

    /// <summary>How TESS0021 names what <paramref name="property"/> reads, or null when it is not thread-bound.</summary>
    public string? Describe(IPropertySymbol property)
    {
        var owner = property.ContainingType;
        switch (property.Name)
        {
            case "Value" when Is(owner.OriginalDefinition, _threadLocal):
                return "ThreadLocal<T>.Value";
            case "Value" when Is(owner.OriginalDefinition, _asyncLocal):
                return "AsyncLocal<T>.Value";
            case "CurrentThread" when Is(owner, _thread):
                return "Thread.CurrentThread";
            case "CurrentManagedThreadId" when Is(owner, _environment):
                return "Environment.CurrentManagedThreadId";
            default:
                return null;
        }
    }

    private static bool Is(INamedTypeSymbol type, INamedTypeSymbol? expected) => SymbolEqualityComparer.Default.Equals(type, expected);
}
