using Microsoft.CodeAnalysis;

namespace Tessera.Analyzers;

/// <summary>Every rule Tessera's analyzers report. Each id is tracked in AnalyzerReleases.Unshipped.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Tessera";
    private const string HelpBase = "https://github.com/tessera-dotnet/tessera/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor MustBePartial = new(
        id: "TSR0001",
        title: "[Stationary] class and its containing types must be partial",
        messageFormat: "{0} must be declared 'partial' so that the Tessera generator can add the proxy and ticket helpers to {1}; add the 'partial' modifier",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds a second part to every [Stationary] class, which C# only allows when the class and every type that contains it are partial. Without it no proxy is generated.",
        helpLinkUri: HelpBase + "TSR0001.md");

    public static readonly DiagnosticDescriptor GenericClass = new(
        id: "TSR0002",
        title: "Generic [Stationary] classes are not supported yet",
        messageFormat: "[Stationary] class '{0}' {1}, and generic distributed classes are not supported yet; declare a non-generic class outside any generic type, fixing the type arguments you need",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A ticket names one concrete type, and the generator does not yet emit proxies for open generic types. A [Stationary] class must not have type parameters nor be nested in a type that has them.",
        helpLinkUri: HelpBase + "TSR0002.md");

    public static readonly DiagnosticDescriptor GenericMethod = new(
        id: "TSR0003",
        title: "Generic remotable methods are not supported yet",
        messageFormat: "Remotable method '{0}' is generic, which is not supported yet; declare one non-generic overload per type argument you need, or make the method non-public",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The proxy serializes arguments with code chosen at compile time, so it cannot serve a method whose parameter types are only known at the call site. The generator leaves such methods out of the proxy.",
        helpLinkUri: HelpBase + "TSR0003.md");

    public static readonly DiagnosticDescriptor ByRefSignature = new(
        id: "TSR0004",
        title: "Remotable methods cannot use ref, out or in parameters, ref returns, ref structs or pointers",
        messageFormat: "Remotable method '{0}' cannot be called remotely because {1}; {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A remote call copies its arguments to the home site and copies the result back. Storage locations, stack-only types and pointers cannot be copied across sites, so the generator leaves such methods out of the proxy.",
        helpLinkUri: HelpBase + "TSR0004.md");

    public static readonly DiagnosticDescriptor NonVirtualMethod = new(
        id: "TSR0005",
        title: "Public method of a [Stationary] class is not remotable",
        messageFormat: "Public method '{0}' {1}, so a call through a remote reference runs on the local proxy instead of on the home site; {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A remote reference is a generated subclass that overrides the remotable methods. A public instance method it cannot override runs against the proxy's own, empty state.",
        helpLinkUri: HelpBase + "TSR0005.md");

    public static readonly DiagnosticDescriptor InvalidClassModifier = new(
        id: "TSR0006",
        title: "[Stationary] class must not be sealed, static or abstract",
        messageFormat: "[Stationary] class '{0}' must not be {1} because {2}; {3}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A remote reference is an instance of a generated sealed subclass, and the object at home is an instance of the class itself, so the class must be instantiable and inheritable.",
        helpLinkUri: HelpBase + "TSR0006.md");

    public static readonly DiagnosticDescriptor PublicProperty = new(
        id: "TSR0007",
        title: "Public properties of a [Stationary] class are not remotable",
        messageFormat: "Public {0} '{1}' is not remotable in this version, so reading it through a remote reference reads the local proxy instead of the object at home; replace it with {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Only methods are forwarded to the home site in this version. A property on a remote reference reads or writes the proxy's own, empty state.",
        helpLinkUri: HelpBase + "TSR0007.md");

    public static readonly DiagnosticDescriptor Unservable = new(
        id: "TSR0008",
        title: "Tessera cannot generate a proxy for this [Stationary] class",
        messageFormat: "Tessera cannot generate a proxy for [Stationary] class '{0}' because it {1}; {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generated proxy derives from the class and is constructed without running any user code, and the home site tells methods apart by id. Classes that rule this out, or whose shape is not supported yet, get no generated code, so no proxy and no ticket helpers.",
        helpLinkUri: HelpBase + "TSR0008.md");

    public static readonly DiagnosticDescriptor CachedStateCannotMove = new(
        id: "TSR0009",
        title: "The state of this [Cached] class cannot move between sites",
        messageFormat: "The state of [Cached] class '{0}' cannot move between sites because {1}; {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A [Cached] object's fields are captured and restored by generated code whenever its state moves to another site. Fields the generator cannot see or encode would silently stay behind, so such classes get no generated code.",
        helpLinkUri: HelpBase + "TSR0009.md");

    public static readonly DiagnosticDescriptor CachedNew = new(
        id: "TSR0010",
        title: "[Cached] objects must be made with the generated Create factory",
        messageFormat: "'new {0}(...)' makes an object whose state cannot move, so calls through other sites' references would never reach it; use '{0}.Create(...)' instead",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every instance of a [Cached] class must be the generated managed subclass, which brings the state to each call and keeps calls serialized across sites. The generated Create factories make one; 'new' makes a plain instance that the protocol cannot manage.",
        helpLinkUri: HelpBase + "TSR0010.md");
}
