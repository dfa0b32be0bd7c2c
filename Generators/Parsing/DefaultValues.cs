using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Tessera.Generators.Parsing;

/// <summary>
/// A parameter's default value as C# that means the same in a generated file: built from the constant, never copied
/// from the declaration, whose text may name things the generated file does not import.
/// </summary>
internal static class DefaultValues
{
    /// <summary><c> = value</c>, or empty when the parameter has no default (or one C# cannot write after '=').</summary>
    public static string Clause(IParameterSymbol parameter)
        => parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is not DateTime && Literal(parameter.Type, parameter.ExplicitDefaultValue) is { } literal
            ? " = " + literal
            : "";

    /// <summary>
    /// The attributes that carry an optional parameter's default where no <c>= value</c> can: <c>[Optional]</c> alone,
    /// or with <c>[DateTimeConstant]</c>. Empty for any other parameter.
    /// </summary>
    public static string Attributes(IParameterSymbol parameter)
    {
        if (!parameter.IsOptional || parameter.IsParams) return "";
        if (parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is DateTime date)
            return $"[global::System.Runtime.InteropServices.Optional, global::System.Runtime.CompilerServices.DateTimeConstant({date.Ticks.ToString(CultureInfo.InvariantCulture)}L)] ";
        return parameter.HasExplicitDefaultValue ? "" : "[global::System.Runtime.InteropServices.Optional] ";
    }

    private static string? Literal(ITypeSymbol type, object? value)
    {
        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
        if (value is null)
        {
            // A null for a reference type declared where nullability is oblivious must not warn in a nullable-enabled file.
            return type.IsReferenceType ? "null!" : "default";
        }
        if (underlying.TypeKind == TypeKind.Enum)
            return Number(value) is { } number ? $"({underlying.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)})({number})" : null;
        return value switch
        {
            string text => SymbolDisplay.FormatLiteral(text, quote: true),
            char character => SymbolDisplay.FormatLiteral(character, quote: true),
            bool flag => flag ? "true" : "false",
            _ => Number(value),
        };
    }

    private static string? Number(object value) => value switch
    {
        double d when double.IsNaN(d) => "double.NaN",
        double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
        double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
        double d => Signed(d.ToString("R", CultureInfo.InvariantCulture), IsNegativeZero(d)) + "d",
        float f when float.IsNaN(f) => "float.NaN",
        float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
        float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
        float f => Signed(f.ToString("R", CultureInfo.InvariantCulture), IsNegativeZero(f)) + "f",
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "m",
        long l => l == long.MinValue ? "long.MinValue" : l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong u => u.ToString(CultureInfo.InvariantCulture) + "UL",
        uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
        int i => i == int.MinValue ? "int.MinValue" : i.ToString(CultureInfo.InvariantCulture),
        byte or sbyte or short or ushort => "(" + ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture) + ")",
        _ => null,
    };

    private static bool IsNegativeZero(double value) => value == 0 && BitConverter.DoubleToInt64Bits(value) < 0;

    private static string Signed(string digits, bool negativeZero) => negativeZero ? "-0.0" : digits;
}
