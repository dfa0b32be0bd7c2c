using Microsoft.CodeAnalysis;
using Tessera.Generators.Parsing;

namespace Tessera.Analyzers;

/// <summary>The parts of a remotable method's signature that cannot be copied to another site (TESS0004), and its result type.</summary>
internal static class SignatureRules
{
    public static (string Why, string Fix)? ReturnProblem(IMethodSymbol method)
    {
        var type = Display(method.ReturnType);
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            return ("it returns by reference", "return the value itself");
        if (method.ReturnType.IsRefLikeType)
            return ($"its return type '{type}' is a ref struct", "return a copyable type such as an array");
        if (IsPointer(method.ReturnType))
            return ($"its return type '{type}' is a pointer type", "return the value it points to");
        if (method.ReturnType.TypeKind == TypeKind.Delegate)
            return ($"its return type '{type}' is a delegate, which is code and never travels", "return data, or a distributed object whose methods the caller can call");
        return null;
    }

    public static (string Why, string Fix)? ParameterProblem(IParameterSymbol parameter)
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
        if (parameter.Type.TypeKind == TypeKind.Delegate)
            return ($"parameter '{name}' has delegate type '{type}', which is code and never travels", "pass data, or a distributed object whose methods the home site can call back");
        return null;
    }

    /// <summary>The type that travels back: the method's return type, unwrapped from Task and ValueTask; null for none.</summary>
    public static ITypeSymbol? Result(IMethodSymbol method)
    {
        if (method.ReturnsVoid) return null;
        if (method.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask" } named)
        {
            var name = named.ConstructedFrom.ToDisplayString();
            if (name is KnownNames.Task or KnownNames.ValueTask) return null;
            if (name == KnownNames.Task + "<TResult>" || name == KnownNames.ValueTask + "<TResult>") return named.TypeArguments[0];
        }
        return method.ReturnType;
    }

    /// <summary>The generated codec leaves cancellation tokens out of the message: they stay with the caller.</summary>
    public static bool IsCancellationToken(ITypeSymbol type) => type.Name == "CancellationToken" && type.ToDisplayString() == KnownNames.CancellationToken;

    private static bool IsPointer(ITypeSymbol type) => type switch
    {
        IPointerTypeSymbol or IFunctionPointerTypeSymbol => true,
        IArrayTypeSymbol array => IsPointer(array.ElementType),
        _ => false,
    };

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
}
