using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>
/// Reports remotable methods whose signature no generator can serve (TESS0003, TESS0004), whose values
/// cannot travel (TESS0012), that are async void (TESS0015), and [OneWay] attributes the generator ignores
/// (TESS0016). The generators leave unservable methods out of the proxy, so without these errors a remote
/// call would silently run locally, or fail at run time.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RemotableMethodAnalyzer : DistributedSymbolAnalyzer
{
    public RemotableMethodAnalyzer() : base(SymbolKind.Method) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.GenericMethod,
        DiagnosticDescriptors.ByRefSignature,
        DiagnosticDescriptors.NotSerializable,
        DiagnosticDescriptors.AsyncVoid,
        DiagnosticDescriptors.OneWayIgnored);

    private protected override void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.MethodKind != MethodKind.Ordinary) return;
        var kind = attributes.KindOf(method.ContainingType);
        ReportOneWay(context, method, kind);
        if (kind is null || !DistributedSymbols.IsRemotable(method)) return;
        var name = DistributedSymbols.NameOf(method);

        if (method.IsGenericMethod)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GenericMethod, method.Locations[0], name));

        // As the generator's Parser.Unsupported: methods it leaves out get their TESS0003/TESS0004 errors first.
        var servable = !method.IsGenericMethod && SignatureRules.ReturnProblem(method) is null && method.Parameters.All(p => SignatureRules.ParameterProblem(p) is null);
        var returnLocation = method.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(context.CancellationToken))
            .OfType<MethodDeclarationSyntax>()
            .FirstOrDefault()?.ReturnType.GetLocation() ?? method.Locations[0];
        if (SignatureRules.ReturnProblem(method) is var (returnWhy, returnFix))
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ByRefSignature, returnLocation, name, returnWhy, returnFix));
        else if (servable && SignatureRules.Result(method) is { } result && WireTypes.Problem(result, attributes) is { } resultWhy)
            ReportNotSerializable(context, returnLocation, name, "its result", result, resultWhy);

        foreach (var parameter in method.Parameters)
        {
            if (SignatureRules.ParameterProblem(parameter) is var (why, fix))
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ByRefSignature, parameter.Locations[0], name, why, fix));
            else if (servable && !SignatureRules.IsCancellationToken(parameter.Type) && WireTypes.Problem(parameter.Type, attributes) is { } wireWhy)
                ReportNotSerializable(context, parameter.Locations[0], name, $"parameter '{parameter.Name}'", parameter.Type, wireWhy);
        }

        if (method.IsAsync && method.ReturnsVoid)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AsyncVoid, method.Locations[0], name, AsyncVoidConsequence(kind.Value)));
    }

    private static void ReportNotSerializable(SymbolAnalysisContext context, Location location, string method, string what, ITypeSymbol type, string why)
        => context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotSerializable, location,
            $"Remotable method '{method}' cannot be called remotely", what, DistributedSymbols.NameOf(type), why, "pass the data it holds"));

    private static string AsyncVoidConsequence(DistributionKind kind) => kind switch
    {
        DistributionKind.Cached => "the object's state is released to other sites while the method still runs",
        DistributionKind.Async => "the object starts its next call while this one still runs",
        _ => "nothing waits for the rest of it",
    };

    /// <summary>[OneWay] counts only where <c>AsyncParser.IsOneWay</c> looks: void remotable methods of [Async] classes.</summary>
    private static void ReportOneWay(SymbolAnalysisContext context, IMethodSymbol method, DistributionKind? kind)
    {
        // Runs for every method of the compilation: compare the short name before formatting the full one.
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass is { Name: "OneWayAttribute" } type && type.ToDisplayString() == KnownNames.OneWayAttribute);
        if (attribute is null) return;
        var (why, fix) =
            kind != DistributionKind.Async ? ("its class is not [Async]", "remove [OneWay], or make the class [Async]")
            : !DistributedSymbols.IsRemotable(method) ? ("it is not remotable", "make the method public and virtual, or remove [OneWay]")
            : !method.ReturnsVoid ? ($"it returns '{DistributedSymbols.NameOf(method.ReturnType)}', which somebody waits for", "return 'void', or remove [OneWay]")
            : (null, null);
        if (why is null) return;
        var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? method.Locations[0];
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OneWayIgnored, location, DistributedSymbols.NameOf(method), why, fix));
    }
}
