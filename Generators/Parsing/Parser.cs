using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Tessera.Generators.Model;

namespace Tessera.Generators.Parsing;

/// <summary>
/// Turns a <c>[Stationary]</c> class symbol into a <see cref="StationaryClassModel"/>. Classes and methods
/// the generator cannot serve (generic, not partial, primary constructors, by-ref parameters) are left out
/// here and reported by Tessera.Analyzers, so the generator never emits code that fails to compile.
/// </summary>
internal static class Parser
{
    internal static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static StationaryClassModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || !IsSupported(type, context.SemanticModel.Compilation, cancellationToken)) return null;
        cancellationToken.ThrowIfCancellationRequested();

        return ParseClass(type, "");
    }

    /// <summary>
    /// The parts every distributed class shares. <paramref name="stateShape"/> joins the remotable methods in
    /// the fingerprint: a protocol whose state travels passes the fields' shape, so builds that disagree on it refuse each other.
    /// </summary>
    internal static StationaryClassModel ParseClass(INamedTypeSymbol type, string stateShape)
    {
        // By name, then id: the generated code reads like the class, and the fingerprint sees a fixed order.
        var methods = ProxyRequirements.RemotableMethods(type)
            .Where(m => Unsupported(m) is null)
            .Select(m => (Symbol: m, Id: ProxyRequirements.MethodId(m)))
            .OrderBy(m => m.Symbol.Name, StringComparer.Ordinal)
            .ThenBy(m => m.Id)
            .ToList();

        var metadataName = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None));
        var containing = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType) containing.Insert(0, DeclarationOf(outer));

        return new StationaryClassModel(
            HintName: HintNames.Of(metadataName),
            Namespace: type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
            ContainingTypes: containing.ToEquatableArray(),
            ClassName: Escape(type.Name),
            FullyQualifiedName: type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            MetadataName: metadataName,
            HasOnlyImplicitConstructor: type.InstanceConstructors.All(c => c.IsImplicitlyDeclared),
            Fingerprint: Fingerprint(metadataName + stateShape, methods.Select(m => m.Symbol)),
            Methods: methods.Select(m => ParseMethod(m.Symbol, m.Id)).ToEquatableArray());
    }

    public static bool IsSupported(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
        => type.TypeKind == TypeKind.Class
           && !type.IsGenericType
           && !type.IsStatic
           && !type.IsSealed
           && !type.IsAbstract
           && IsPartialAll(type)
           && ProxyRequirements.Allows(type, compilation, cancellationToken);

    /// <summary>Why a remotable method cannot be served, or null if it can.</summary>
    public static string? Unsupported(IMethodSymbol method)
    {
        if (method.IsGenericMethod) return "generic methods";
        if (method.ReturnsByRef || method.ReturnsByRefReadonly) return "ref returns";
        if (method.Parameters.Any(p => p.RefKind != RefKind.None)) return "ref, out and in parameters";
        if (method.Parameters.Any(p => p.Type.IsRefLikeType) || method.ReturnType.IsRefLikeType) return "ref struct types";
        if (method.Parameters.Any(p => p.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)) return "pointer types";
        return null;
    }

    private static MethodModel ParseMethod(IMethodSymbol method, uint id)
    {
        var parameters = method.Parameters.Select(p => new ParameterModel(
            Escape(p.Name),
            ValueOf(p.Type, method.ContainingType),
            p.Type.ToDisplayString() == KnownNames.CancellationToken,
            DefaultValues.Attributes(p) + (p.IsParams ? "params " : ""),
            DefaultValues.Clause(p))).ToEquatableArray();

        var (shape, result) = ShapeOf(method.ReturnType, method.ContainingType);
        return new MethodModel(method.Name, id, shape, method.ReturnType.ToDisplayString(TypeFormat), result, parameters);
    }

    private static (ReturnShape, ValueModel?) ShapeOf(ITypeSymbol returnType, INamedTypeSymbol scope)
    {
        if (returnType.SpecialType == SpecialType.System_Void) return (ReturnShape.Void, null);
        if (returnType is INamedTypeSymbol named)
        {
            var name = named.ConstructedFrom.ToDisplayString();
            if (name == KnownNames.Task) return (ReturnShape.Task, null);
            if (name == KnownNames.ValueTask) return (ReturnShape.ValueTask, null);
            if (name == KnownNames.Task + "<TResult>") return (ReturnShape.TaskOfT, ValueOf(named.TypeArguments[0], scope));
            if (name == KnownNames.ValueTask + "<TResult>") return (ReturnShape.ValueTaskOfT, ValueOf(named.TypeArguments[0], scope));
        }
        return (ReturnShape.Value, ValueOf(returnType, scope));
    }

    /// <param name="type">A parameter's or a result's type.</param>
    /// <param name="scope">The class declaring the method, where a short name such as <c>Ref</c> is looked up.</param>
    internal static ValueModel ValueOf(ITypeSymbol type, INamedTypeSymbol scope)
    {
        if (AsyncReferenceOwner(type, scope) is var (owner, nullable))
            return new ValueModel(owner.ToDisplayString(TypeFormat) + ".Ref" + (nullable ? "?" : ""), ProxyRequirements.WireName(owner) + ".TesseraType", !nullable, IsAsyncReference: true);
        var typeInfo = ProxyRequirements.IsDistributed(type) ? ProxyRequirements.WireName(type) + ".TesseraType" : null;
        var isNonNullableReference = type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.Annotated;
        return new ValueModel(type.ToDisplayString(TypeFormat), typeInfo, isNonNullableReference, VariableCodecOf(type), FixedSize: FixedSizeOf(type));
    }

    /// <summary>The size of a value MemoryPack writes as its raw memory: a number, <c>bool</c>, <c>char</c> or enum; else 0.</summary>
    private static int FixedSizeOf(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying }) type = underlying;
        return type.SpecialType switch
        {
            SpecialType.System_Boolean or SpecialType.System_Byte or SpecialType.System_SByte => 1,
            SpecialType.System_Char or SpecialType.System_Int16 or SpecialType.System_UInt16 => 2,
            SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Single => 4,
            SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Double => 8,
            _ => 0,
        };
    }

    /// <summary>
    /// The <c>[Async]</c> class whose generated async reference <paramref name="type"/> is (<c>X.Ref</c>), or null.
    /// Within the class's own compilation <c>X.Ref</c> is still an error type while generating, named in <c>X</c>,
    /// and <c>X.Ref?</c> reads as <c>Nullable&lt;X.Ref&gt;</c> since nothing yet says it is a class. Written as
    /// just <c>Ref</c> inside an <c>[Async]</c> class, it has no containing type at all: C# would find it as a
    /// member of the innermost enclosing <c>[Async]</c> class, so that is its owner.
    /// </summary>
    private static (INamedTypeSymbol Owner, bool Nullable)? AsyncReferenceOwner(ITypeSymbol type, INamedTypeSymbol scope)
    {
        var nullable = type.NullableAnnotation == NullableAnnotation.Annotated;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } wrapper)
        {
            type = wrapper.TypeArguments[0];
            nullable = true;
        }
        if (type is not INamedTypeSymbol { Name: "Ref" } reference) return null;
        if (reference.ContainingType is { } owner) return IsAsync(owner) ? (owner, nullable) : null;
        if (reference.TypeKind != TypeKind.Error) return null;
        for (var enclosing = scope; enclosing is not null; enclosing = enclosing.ContainingType)
        {
            if (IsAsync(enclosing)) return (enclosing, nullable);
        }
        return null;
    }

    private static bool IsAsync(INamedTypeSymbol type) => type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.AsyncAttribute);

    /// <summary>
    /// The codec expression of a dataflow variable's value, or null for any other type. Variables travel as
    /// variables: the element is copied or sent as a reference only when the variable is bound.
    /// </summary>
    private static string? VariableCodecOf(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named) return null;
        var name = named.ConstructedFrom.ToDisplayString();
        if (name == KnownNames.Dataflow) return "global::Tessera.Infrastructure.DataflowCodec.Completion";
        if (name != KnownNames.DataflowOfT) return null;
        var element = named.TypeArguments[0];
        return ProxyRequirements.IsDistributed(element)
            ? $"global::Tessera.Infrastructure.DataflowCodec.Reference({ProxyRequirements.WireName(element)}.TesseraType)"
            : $"global::Tessera.Infrastructure.DataflowCodec.Copy<{element.ToDisplayString(TypeFormat)}>()";
    }

    /// <summary>Hashes wire names, so nullable annotations leave the fingerprint alone as they do the method ids.</summary>
    private static ulong Fingerprint(string metadataName, IEnumerable<IMethodSymbol> methods)
    {
        var shape = new StringBuilder(metadataName);
        foreach (var method in methods)
        {
            shape.Append('|').Append(ProxyRequirements.WireName(method.ReturnType)).Append(' ').Append(method.Name).Append('(');
            shape.Append(string.Join(",", method.Parameters.Select(p => ProxyRequirements.WireName(p.Type))));
            shape.Append(')');
        }
        return StableHash.Hash64(shape.ToString());
    }

    private static bool IsPartialAll(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType) return false;
            var partial = current.DeclaringSyntaxReferences.All(r =>
                r.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial) return false;
        }
        return true;
    }

    private static string DeclarationOf(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Struct => (type.IsRecord ? "partial record struct " : "partial struct ") + Escape(type.Name),
        TypeKind.Interface => "partial interface " + Escape(type.Name),
        _ => (type.IsRecord ? "partial record " : "partial class ") + Escape(type.Name),
    };

    /// <summary>How a constructor parameter is passed on by a generated factory; <c>ref readonly</c> as <c>in</c>, which it accepts.</summary>
    internal static string RefModifier(IParameterSymbol parameter) => parameter.RefKind switch
    {
        RefKind.Ref => "ref ",
        RefKind.Out => "out ",
        RefKind.In or RefKind.RefReadOnlyParameter => "in ",
        _ => "",
    };

    /// <summary>
    /// A name as an identifier that means the same anywhere in generated code: keywords, and contextual keywords too
    /// (a parameter called <c>await</c> inside a generated async method), take an '@'.
    /// </summary>
    internal static string Escape(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
