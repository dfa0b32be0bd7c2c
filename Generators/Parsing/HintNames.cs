using System;
using System.Collections.Immutable;
using System.Linq;
using Tessera.Generators.Model;

namespace Tessera.Generators.Parsing;

/// <summary>
/// The file name of each class's generated source. Roslyn compares hint names ignoring case and refuses '@', and one
/// refused name throws away everything the generator made; so the name drops the '@' of escaped identifiers, and the
/// classes whose names differ only in case (legal in C#) each get a hash of their exact name.
/// </summary>
internal static class HintNames
{
    private const string Suffix = ".Tessera.g.cs";

    public static string Of(string metadataName) => metadataName.Replace("@", "").Replace('+', '.') + Suffix;

    /// <summary>The names that another one equals ignoring case; nearly always none, so the step that keeps them stays cached.</summary>
    public static EquatableArray<string> CollidingIgnoringCase(ImmutableArray<string> names)
        => names
            .GroupBy(name => name, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Distinct(StringComparer.Ordinal).Count() > 1)
            .SelectMany(group => group)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToEquatableArray();

    public static string Unique(string hintName, EquatableArray<string> colliding)
        => colliding.Contains(hintName)
            ? hintName.Substring(0, hintName.Length - Suffix.Length) + "." + StableHash.Hash32(hintName).ToString("x8") + Suffix
            : hintName;
}
