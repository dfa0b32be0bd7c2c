using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Tessera.Analyzers;

/// <summary>
/// Members of a distributed class that do not survive distribution: public events (TESS0013), names the
/// generator also uses (TESS0014), public instance fields (TESS0019) and names the generated code reserves
/// (TESS0026). Runs per member, so members the generator itself declares, in generated code, are never looked at.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MemberAnalyzer : DistributedSymbolAnalyzer
{
    public MemberAnalyzer() : base(SymbolKind.Method, SymbolKind.Property, SymbolKind.Field, SymbolKind.Event, SymbolKind.NamedType) { }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.RemotableEvent,
        DiagnosticDescriptors.GeneratedNameCollision,
        DiagnosticDescriptors.FieldBypassesProxy,
        DiagnosticDescriptors.ReservedName);

    private const string ReservedPrefix = "__";

    private protected override void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes)
    {
        var member = context.Symbol;
        if (member.IsImplicitlyDeclared || member.Locations.Length == 0 || attributes.KindOf(member.ContainingType) is not { } kind) return;
        ReportReservedNames(context, member, kind);
        if (member is IMethodSymbol { MethodKind: not MethodKind.Ordinary }) return;
        var location = member.Locations[0];

        if (GeneratedNames.Collision(member, kind) is var (generated, by))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GeneratedNameCollision, location,
                KindName(member), member.Name, DistributedSymbols.Label(kind), DistributedSymbols.NameOf(member.ContainingType), by, generated));
        }

        if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public) return;
        if (member is IEventSymbol)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RemotableEvent, location, DistributedSymbols.NameOf(member),
                "offer a virtual method that takes a distributed listener the object can call back, or make the event non-public"));
        }
        else if (member is IFieldSymbol { IsConst: false })
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.FieldBypassesProxy, location,
                $"Public field '{DistributedSymbols.NameOf(member)}' is read and written directly",
                "make it private and read or change it through virtual methods"));
        }
    }

    /// <summary>
    /// The member's own name, and the parameters the generator copies into its code: those of remotable methods and,
    /// for [Cached] and [Async], of constructors (the Create factories). A private helper's parameters never reach generated code.
    /// </summary>
    private static void ReportReservedNames(SymbolAnalysisContext context, ISymbol member, DistributionKind kind)
    {
        var label = DistributedSymbols.Label(kind);
        var type = DistributedSymbols.NameOf(member.ContainingType);
        if (member is not IMethodSymbol { MethodKind: not MethodKind.Ordinary } && member.Name.StartsWith(ReservedPrefix, StringComparison.Ordinal))
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ReservedName, member.Locations[0], KindName(member), member.Name, label, type));
        if (member is not IMethodSymbol method) return;
        var copied = method.MethodKind == MethodKind.Constructor
            ? kind != DistributionKind.Stationary
            : method.MethodKind == MethodKind.Ordinary && DistributedSymbols.IsRemotable(method);
        if (!copied) return;
        foreach (var parameter in method.Parameters)
        {
            if (!parameter.Name.StartsWith(ReservedPrefix, StringComparison.Ordinal) || parameter.Locations.Length == 0) continue;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ReservedName, parameter.Locations[0], "Parameter", parameter.Name, label, type));
        }
    }

    private static string KindName(ISymbol member) => member switch
    {
        IMethodSymbol => "Method",
        IPropertySymbol => "Property",
        IFieldSymbol => "Field",
        IEventSymbol => "Event",
        _ => "Type",
    };
}
