using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Tessera.Analyzers;

/// <summary>
/// Reports remotable methods whose signature the generator cannot serve (TSR0003, TSR0004). The generator
/// leaves them out of the proxy, so without these errors a remote call would silently run locally.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RemotableMethodAnalyzer : StationarySymbolAnalyzer
{
    public RemotableMethodAnalyzer() : base(SymbolKind.Method) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.GenericMethod,
        DiagnosticDescriptors.ByRefSignature);

    protected override void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!StationarySymbols.IsRemotable(method) || !StationarySymbols.IsStationary(method.ContainingType, attribute)) return;
        var name = StationarySymbols.NameOf(method);

        if (method.IsGenericMethod)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GenericMethod, method.Locations[0], name));

        if (ReturnProblem(method) is var (returnWhy, returnFix))
        {
            var declaration = method.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(context.CancellationToken))
                .OfType<MethodDeclarationSyntax>()
                .FirstOrDefault();
            var location = declaration?.ReturnType.GetLocation() ?? method.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ByRefSignature, location, name, returnWhy, returnFix));
        }

        foreach (var parameter in method.Parameters)
        {
            if (ParameterProblem(parameter) is var (why, fix))
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ByRefSignature, parameter.Locations[0], name, why, fix));
        }
    }

    private static (string Why, string Fix)? ReturnProblem(IMethodSymbol method)
    {
        var type = Display(method.ReturnType);
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            return ("it returns by reference", "return the value itself");
        if (method.ReturnType.IsRefLikeType)
            return ($"its return type '{type}' is a ref struct", "return a copyable type such as an array");
        if (IsPointer(method.ReturnType))
            return ($"its return type '{type}' is a pointer type", "return the value it points to");
        return null;
    }

    private static (string Why, string Fix)? ParameterProblem(IParameterSymbol parameter)
    {
        var name = parameter.Name;
        var type = Display(parameter.Type);
        switch (parameter.RefKind)
        {
            case RefKind.None:
                break;
            case RefKind.Ref:
            case RefKind.Out:
                var keyword = parameter.RefKind == RefKind.Ref ? "ref" : "out";
                return ($"parameter '{name}' is passed by '{keyword}'", "return the new value instead, as a tuple if there are several");
            default:
                return ($"parameter '{name}' is passed by read-only reference", "pass it by value");
        }
        if (parameter.Type.IsRefLikeType)
            return ($"parameter '{name}' has ref struct type '{type}'", "take a copyable type such as an array");
        if (IsPointer(parameter.Type))
            return ($"parameter '{name}' has pointer type '{type}'", "pass the value it points to");
        return null;
    }

    private static bool IsPointer(ITypeSymbol type) => type switch
    {
        IPointerTypeSymbol or IFunctionPointerTypeSymbol => true,
        IArrayTypeSymbol array => IsPointer(array.ElementType),
        _ => false,
    };

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
}
