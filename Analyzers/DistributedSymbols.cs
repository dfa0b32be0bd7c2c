using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>The three ways a class can be distributed; each has its own generator and runtime protocol.</summary>
internal enum DistributionKind
{
    Stationary,
    Cached,
    Async,
}

/// <summary>
/// What the analyzers share about distributed classes. What the generator serves comes from its own
/// <see cref="ProxyRequirements"/>, compiled in here, so the analyzers judge exactly those members.
/// </summary>
internal static class DistributedSymbols
{
    public static string Label(DistributionKind kind) => kind switch
    {
        DistributionKind.Cached => "[Cached]",
        DistributionKind.Async => "[Async]",
        _ => "[Stationary]",
    };

    public static bool IsPublicInstanceMethod(IMethodSymbol method)
        => method.MethodKind == MethodKind.Ordinary
           && method.DeclaredAccessibility == Accessibility.Public
           && !method.IsStatic;

    public static bool IsRemotable(IMethodSymbol method) => ProxyRequirements.IsRemotable(method);

    /// <summary>Overrides of ToString, Equals and GetHashCode, which run locally by design.</summary>
    public static bool OverridesObject(IMethodSymbol method) => ProxyRequirements.OverridesObject(method);

    public static string NameOf(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    public static string NameOf(ISymbol member) => NameOf(member.ContainingType) + "." + member.Name;

    /// <summary>
    /// The identifier of the first declaration of <paramref name="type"/> that satisfies <paramref name="predicate"/>,
    /// so a diagnostic lands on the part of a partial class that needs the change.
    /// </summary>
    public static Location? IdentifierWhere(INamedTypeSymbol type, Func<TypeDeclarationSyntax, bool> predicate, CancellationToken cancellationToken)
        => Declarations(type, cancellationToken).Where(predicate).Select(d => d.Identifier.GetLocation()).FirstOrDefault();

    public static IEnumerable<TypeDeclarationSyntax> Declarations(INamedTypeSymbol type, CancellationToken cancellationToken)
        => type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>();
}
