using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Tessera.Generators.Cached;

namespace Tessera.Analyzers;

/// <summary>
/// Members of a distributed class that do not survive distribution: public events (TESS0013), names the
/// generator also uses (TESS0014), public instance fields (TESS0019) and parameter names the generated code uses
/// itself (TESS0026). Runs per member, so members the generator itself declares, in generated code, are never looked at.
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
    /// The parameters the generator copies into scopes of its own: those of remotable methods, and of the constructors a
    /// [Cached] class gets a factory for. A member's own name cannot clash (a generated member of the same name only
    /// hides it, with a warning in generated code), nor can other parameters, which never reach generated code.
    /// </summary>
    private static void ReportReservedNames(SymbolAnalysisContext context, ISymbol member, DistributionKind kind)
    {
        // The implementation part of a partial method repeats the definition, whose names are the ones copied.
        if (member is not IMethodSymbol { PartialDefinitionPart: null } method) return;
        var copied = method.MethodKind == MethodKind.Constructor
            ? kind == DistributionKind.Cached && CachedRequirements.IsAccessible(method)
            : method.MethodKind == MethodKind.Ordinary && DistributedSymbols.IsRemotable(method);
        if (!copied) return;
        foreach (var parameter in method.Parameters)
        {
            if (!IsReserved(parameter.Name) || parameter.Locations.Length == 0) continue;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ReservedName, parameter.Locations[0],
                parameter.Name, DistributedSymbols.NameOf(method.ContainingType) + "." + (method.MethodKind == MethodKind.Constructor ? "Create" : method.Name),
                DistributedSymbols.Label(kind)));
        }
    }

    /// <summary>Names the generated code gives its own locals and parameters, and the generated types it names unqualified.</summary>
    private static bool IsReserved(string name)
        => name.StartsWith(ReservedPrefix, StringComparison.Ordinal) || name is "TesseraCodec" or "TesseraType";

    private static string KindName(ISymbol member) => member switch
    {
        IMethodSymbol => "Method",
        IPropertySymbol => "Property",
        IFieldSymbol => "Field",
        IEventSymbol => "Event",
        _ => "Type",
    };
}
