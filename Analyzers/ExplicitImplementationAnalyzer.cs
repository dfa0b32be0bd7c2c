using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Tessera.Generators.Cached;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>
/// Reports explicit interface implementations that a [Stationary] or [Cached] class declares or inherits from a
/// plain base class of the same compilation (TESS0025): the generated subclasses cannot override them, so a call
/// through the interface runs on the proxy's own, empty state, or on a [Cached] object without its state. Not
/// reported: an explicit method whose body only calls a remotable method of the object with its own parameters or
/// constants, since that call is forwarded (the way to implement two interface members that differ only in return
/// type); an interface's own default implementations, which have no state; bases from other assemblies, whose
/// bodies cannot be read (their public methods meet TESS0005 first); [Async] classes, whose remote reference is the
/// generated <c>Ref</c> type, which does not implement the class's interfaces.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExplicitImplementationAnalyzer : DistributedSymbolAnalyzer
{
    private const string MethodFix = "implement it with a public virtual method instead, or let this implementation only call one with its own parameters";
    private const string PropertyOrEventFix = "properties and events are not forwarded at all (TESS0007, TESS0013): give the interface a method instead, or take it off the class";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ExplicitInterfaceImplementation);

    public ExplicitImplementationAnalyzer() : base(SymbolKind.Method, SymbolKind.Property, SymbolKind.Event, SymbolKind.NamedType) { }

    private protected override void Analyze(SymbolAnalysisContext context, DistributionAttributes attributes)
    {
        if (context.Symbol is INamedTypeSymbol type)
        {
            AnalyzeInherited(context, type, attributes);
            return;
        }
        var member = context.Symbol;
        if (member.IsStatic || ExplicitlyImplemented(member) is not { } implemented
            || Served(member.ContainingType, attributes, context.Compilation, context.CancellationToken) is not { } kind
            || (member is IMethodSymbol forwarder && Forwards(forwarder, context.CancellationToken)))
            return;
        context.ReportDiagnostic(Report(member.Locations[0], $"'{DistributedSymbols.NameOf(member.ContainingType)}.{implemented.Name}'", implemented, kind,
            member is IMethodSymbol ? MethodFix : PropertyOrEventFix));
    }

    /// <summary>An explicit implementation in a plain base: the proxy inherits it as it is, unless the class implements the interface again.</summary>
    private static void AnalyzeInherited(SymbolAnalysisContext context, INamedTypeSymbol type, DistributionAttributes attributes)
    {
        if (Served(type, attributes, context.Compilation, context.CancellationToken) is not { } kind) return;
        Location? location = null;
        foreach (var member in type.AllInterfaces.SelectMany(i => i.GetMembers()))
        {
            if (member.IsStatic || member is IMethodSymbol { MethodKind: not MethodKind.Ordinary }) continue;
            if (type.FindImplementationForInterfaceMember(member) is not { } implementation
                || SymbolEqualityComparer.Default.Equals(implementation.ContainingType, type)
                || implementation.ContainingType.TypeKind == TypeKind.Interface
                || ExplicitlyImplemented(implementation) is null
                || attributes.KindOf(implementation.ContainingType) is not null
                || !implementation.Locations.Any(l => l.IsInSource)
                || (implementation is IMethodSymbol method && Forwards(method, context.CancellationToken)))
                continue;
            location ??= DistributedSymbols.IdentifierWhere(type, d => d.BaseList is not null, context.CancellationToken)
                         ?? DistributedSymbols.IdentifierWhere(type, _ => true, context.CancellationToken);
            if (location is null) return;
            var inheritedFrom = DistributedSymbols.NameOf(implementation.ContainingType);
            context.ReportDiagnostic(Report(location, $"'{inheritedFrom}.{member.Name}', which '{type.Name}' inherits,", member, kind,
                $"implement '{DistributedSymbols.NameOf(member.ContainingType)}' again in '{type.Name}', with public virtual methods, or take it off '{inheritedFrom}'"));
        }
    }

    private static Diagnostic Report(Location location, string implementation, ISymbol implemented, DistributionKind kind, string fix)
        => Diagnostic.Create(DiagnosticDescriptors.ExplicitInterfaceImplementation, location, implementation,
            $"{DistributedSymbols.NameOf(implemented.ContainingType)}.{implemented.Name}", NonVirtualMethodAnalyzer.Consequence(kind, "an interface call"), fix);

    /// <summary>The kind of a class whose generated subclasses would inherit explicit implementations; null for the rest, which other rules cover.</summary>
    private static DistributionKind? Served(INamedTypeSymbol type, DistributionAttributes attributes, Compilation compilation, CancellationToken cancellationToken)
    {
        if (type.IsSealed || attributes.KindOf(type) is not { } kind || kind == DistributionKind.Async) return null;
        if (!ProxyRequirements.Allows(type, compilation, cancellationToken)) return null;
        if (kind == DistributionKind.Cached && (CachedRequirements.ForeignBase(type) is not null || CachedRequirements.DistributedBase(type) is not null)) return null;
        return kind;
    }

    /// <summary>The interface member <paramref name="member"/> implements explicitly; null if it is not an explicit implementation (accessors go with their property or event).</summary>
    private static ISymbol? ExplicitlyImplemented(ISymbol member) => member switch
    {
        IMethodSymbol { MethodKind: MethodKind.ExplicitInterfaceImplementation } method => method.ExplicitInterfaceImplementations.FirstOrDefault(),
        IPropertySymbol property => property.ExplicitInterfaceImplementations.FirstOrDefault(),
        IEventSymbol @event => @event.ExplicitInterfaceImplementations.FirstOrDefault(),
        _ => null,
    };

    /// <summary>
    /// Whether the explicit method's body only calls a remotable method on this object (not through <c>base</c>), with
    /// its own parameters, literals or constants of its class as arguments: the proxy forwards that call, so the
    /// implementation is correct as it is. Judged from the syntax, with the names looked up in the class, so that a
    /// base class's method (which a symbol action of the derived class has no semantic model for) is judged alike.
    /// </summary>
    private static bool Forwards(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var declaration = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>().FirstOrDefault();
        var statements = declaration?.Body?.Statements;
        var body = declaration?.ExpressionBody?.Expression ?? (statements is { Count: 1 } ? statements.Value[0] : null) switch
        {
            ReturnStatementSyntax { Expression: { } returned } => returned,
            ExpressionStatementSyntax statement => statement.Expression,
            _ => null,
        };
        if (body is not InvocationExpressionSyntax invocation) return false;
        var name = invocation.Expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText,
            _ => null,
        };
        if (name is null) return false;
        var targets = AllMembers(method.ContainingType, name).ToList();
        return targets.Count > 0
               && targets.All(t => t is IMethodSymbol target && DistributedSymbols.IsPublicInstanceMethod(target) && DistributedSymbols.IsRemotable(target))
               && invocation.ArgumentList.Arguments.All(a => IsParameterOrConstant(a.Expression, method));
    }

    private static bool IsParameterOrConstant(ExpressionSyntax expression, IMethodSymbol method) => expression switch
    {
        LiteralExpressionSyntax => true,
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: LiteralExpressionSyntax } => true,
        IdentifierNameSyntax identifier => method.Parameters.Any(p => p.Name == identifier.Identifier.ValueText)
                                           || AllMembers(method.ContainingType, identifier.Identifier.ValueText).Any(m => m is IFieldSymbol { IsConst: true }),
        _ => false,
    };

    private static System.Collections.Generic.IEnumerable<ISymbol> AllMembers(INamedTypeSymbol? type, string name)
    {
        for (; type is not null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers(name)) yield return member;
        }
    }
}
