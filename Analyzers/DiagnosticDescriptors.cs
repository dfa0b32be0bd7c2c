using Microsoft.CodeAnalysis;

namespace Tessera.Analyzers;

/// <summary>Every rule Tessera's analyzers report. Each id is tracked in AnalyzerReleases.Unshipped.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Tessera";
    private const string HelpBase = "https://github.com/tessera-dotnet/tessera/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor MustBePartial = new(
        id: "TESS0001",
        title: "Distributed class and its containing types must be partial",
        messageFormat: "{0} must be declared 'partial' so that the Tessera generator can add the proxy and ticket helpers to {1}; add the 'partial' modifier",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds a second part to every [Stationary], [Cached] and [Async] class, which C# only allows when the class and every type that contains it are partial. Without it no proxy is generated.",
        helpLinkUri: HelpBase + "TESS0001.md");

    public static readonly DiagnosticDescriptor GenericClass = new(
        id: "TESS0002",
        title: "Generic distributed classes are not supported yet",
        messageFormat: "{0} class '{1}' {2}, and generic distributed classes are not supported yet; declare a non-generic class outside any generic type, fixing the type arguments you need",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A ticket names one concrete type, and the generator does not yet emit proxies for open generic types. A distributed class must not have type parameters nor be nested in a type that has them.",
        helpLinkUri: HelpBase + "TESS0002.md");

    public static readonly DiagnosticDescriptor GenericMethod = new(
        id: "TESS0003",
        title: "Generic remotable methods are not supported yet",
        messageFormat: "Remotable method '{0}' is generic, which is not supported yet; declare one non-generic overload per type argument you need, or make the method non-public",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The proxy serializes arguments with code chosen at compile time, so it cannot serve a method whose parameter types are only known at the call site. The generator leaves such methods out of the proxy.",
        helpLinkUri: HelpBase + "TESS0003.md");

    public static readonly DiagnosticDescriptor ByRefSignature = new(
        id: "TESS0004",
        title: "Remotable methods cannot use ref, out or in parameters, ref returns, ref structs, pointers or delegates",
        messageFormat: "Remotable method '{0}' cannot be called remotely because {1}; {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A remote call copies its arguments to the home site and copies the result back. Storage locations, stack-only types and pointers cannot be copied across sites, so the generator leaves such methods out of the proxy; a delegate is code, which never travels, so a call would fail at run time.",
        helpLinkUri: HelpBase + "TESS0004.md");

    public static readonly DiagnosticDescriptor NonVirtualMethod = new(
        id: "TESS0005",
        title: "Public method of a distributed class is not remotable",
        messageFormat: "Public method '{0}' {1}, so {2}; {3}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Remote references, and every [Cached] instance, are generated subclasses that override the remotable methods. A public instance method they cannot override runs against the proxy's own, empty state, or without the [Cached] state being brought here.",
        helpLinkUri: HelpBase + "TESS0005.md");

    public static readonly DiagnosticDescriptor InvalidClassModifier = new(
        id: "TESS0006",
        title: "Distributed class must not be sealed, static or abstract",
        messageFormat: "{0} class '{1}' must not be {2} because {3}; {4}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A remote reference is an instance of a generated sealed subclass, and the object at home is an instance of the class itself, so the class must be instantiable and inheritable.",
        helpLinkUri: HelpBase + "TESS0006.md");

    public static readonly DiagnosticDescriptor PublicProperty = new(
        id: "TESS0007",
        title: "Public properties of a distributed class are not remotable",
        messageFormat: "Public {0} '{1}' is not remotable in this version, so {2}; replace it with {3}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Only methods are forwarded to the home site, or wait for a [Cached] object's state, in this version. A property on a remote reference reads or writes the proxy's own, empty state.",
        helpLinkUri: HelpBase + "TESS0007.md");

    public static readonly DiagnosticDescriptor Unservable = new(
        id: "TESS0008",
        title: "Tessera cannot generate a proxy for this distributed class",
        messageFormat: "Tessera cannot generate a proxy for {0} class '{1}' because it {2}; {3}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generated proxy derives from the class and is constructed without running any user code, and the home site tells methods apart by id. Classes that rule this out, or whose shape is not supported yet, get no generated code, so no proxy and no ticket helpers.",
        helpLinkUri: HelpBase + "TESS0008.md");

    public static readonly DiagnosticDescriptor CachedStateCannotMove = new(
        id: "TESS0009",
        title: "The state of this [Cached] class cannot move between sites",
        messageFormat: "The state of [Cached] class '{0}' cannot move between sites because {1}; {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A [Cached] object's fields are captured and restored by generated code whenever its state moves to another site. Fields the generator cannot see or encode would silently stay behind, so such classes get no generated code.",
        helpLinkUri: HelpBase + "TESS0009.md");

    public static readonly DiagnosticDescriptor CachedNew = new(
        id: "TESS0010",
        title: "[Cached] and [Async] objects must be made with the generated Create factory",
        messageFormat: "'new {0}(...)' makes {1}; use '{0}.Create(...)' instead",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every instance of a [Cached] class must be the generated managed subclass, which brings the state to each call and keeps calls serialized across sites. The generated Create factories make one; 'new' makes a plain instance that the protocol cannot manage. An [Async] object's calls must go through the async reference Create returns, which runs them one at a time on the object's executor.",
        helpLinkUri: HelpBase + "TESS0010.md");

    public static readonly DiagnosticDescriptor SeveralDistributionAttributes = new(
        id: "TESS0011",
        title: "A class can have only one distribution attribute",
        messageFormat: "Class '{0}' has more than one of [Stationary], [Cached] and [Async]; keep the one that says how it should be shared",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Each distribution attribute has its own generator, and each adds TesseraType, Take and its own proxy to the class. Two of them add the same members twice, so the class cannot compile, and no protocol could serve both ways of sharing at once.",
        helpLinkUri: HelpBase + "TESS0011.md");

    public static readonly DiagnosticDescriptor NotSerializable = new(
        id: "TESS0012",
        title: "Parameter, result or [Cached] state type cannot travel between sites",
        messageFormat: "{0} because {1} has type '{2}': {3}; mark the type [MemoryPackable], {4} instead, or make it a distributed class",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A remote call encodes every argument and the result with MemoryPack, and a [Cached] object's state is encoded the same way whenever it moves, except distributed objects (which travel as references) and Dataflow variables. A type MemoryPack has no formatter for compiles, then fails on the first remote call or move.",
        helpLinkUri: HelpBase + "TESS0012.md");

    public static readonly DiagnosticDescriptor RemotableEvent = new(
        id: "TESS0013",
        title: "Events of a distributed class are not remotable",
        messageFormat: "Public event '{0}' cannot be used through a remote reference: subscribing adds a handler to the local proxy, which the object at home never raises; {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Only methods are forwarded to the home site. A handler is a delegate, which is code and cannot travel, so an event on a remote reference never fires.",
        helpLinkUri: HelpBase + "TESS0013.md");

    public static readonly DiagnosticDescriptor GeneratedNameCollision = new(
        id: "TESS0014",
        title: "Member name collides with a generated member",
        messageFormat: "{0} '{1}' of {2} class '{3}' has the same {4} as the member '{5}' the generator adds, so the generated code cannot compile; rename it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator adds TesseraType, the ticket helpers (Offer, OfferUnlimited, Take, TakeAsync), factories (Create) and nested types (Ref, TesseraProxy, TesseraManaged) to the user's partial class. A user member with the same name and kind, or the same signature, makes the generated half fail to compile.",
        helpLinkUri: HelpBase + "TESS0014.md");

    public static readonly DiagnosticDescriptor AsyncVoid = new(
        id: "TESS0015",
        title: "Remotable method is async void",
        messageFormat: "Remotable method '{0}' is 'async void': the remote call returns at its first await, its exceptions crash the home process instead of reaching the caller, and {1}; return 'Task' instead",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A remote call completes when the method returns. An async void method returns at its first await, so the caller cannot tell when it finished, and an exception after that has no caller to go to.",
        helpLinkUri: HelpBase + "TESS0015.md");

    public static readonly DiagnosticDescriptor OneWayIgnored = new(
        id: "TESS0016",
        title: "[OneWay] has no effect here",
        messageFormat: "[OneWay] on '{0}' has no effect because {1}, so every call still waits for a reply; {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Only void remotable methods of [Async] classes are sent one way: anything else has a result or a completion somebody waits for. The generator silently ignores the attribute elsewhere.",
        helpLinkUri: HelpBase + "TESS0016.md");

    public static readonly DiagnosticDescriptor BlockingDataflow = new(
        id: "TESS0017",
        title: "Dataflow variable blocked on inside an async method",
        messageFormat: "{0} blocks this thread until the variable is bound, inside async {1}; use 'await' instead",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Reading .Value, calling Wait or converting a Dataflow variable implicitly blocks a thread until it is bound, often by a remote reply. In an async method that holds a thread-pool thread, and on an [Async] object's executor it stops every other call: await frees the thread instead.",
        helpLinkUri: HelpBase + "TESS0017.md");

    public static readonly DiagnosticDescriptor StaticState = new(
        id: "TESS0018",
        title: "Distributed class uses static mutable state",
        messageFormat: "'{0}' {1} static field '{2}', which each site has its own copy of, so the object sees different values depending on where it runs; keep the value in an instance field, or make the field readonly",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A distributed object's members run at its home site ([Stationary], [Async]) or wherever its state is ([Cached]). Static fields are per process, so they are not shared with the callers, nor with the object once its state has moved.",
        helpLinkUri: HelpBase + "TESS0018.md");

    public static readonly DiagnosticDescriptor FieldBypassesProxy = new(
        id: "TESS0019",
        title: "Field access bypasses the proxy",
        messageFormat: "{0}, which on a remote reference reads and writes the proxy's own, empty copy instead of the object's; {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Only remotable methods are forwarded to the object's home, or wait for a [Cached] object's state. A field read or written on another instance, or through a public field, reaches whatever instance the reference is, which for a remote reference is a proxy with no state.",
        helpLinkUri: HelpBase + "TESS0019.md");

    public static readonly DiagnosticDescriptor LockOnCached = new(
        id: "TESS0020",
        title: "lock or Monitor on a [Cached] object",
        messageFormat: "{0} a [Cached] object, which only excludes threads of this site while the object's state moves between sites; remove it: calls to a [Cached] object already run one at a time across all sites",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A lock belongs to one process. Every site holds its own instance of a [Cached] object, so a lock on it excludes nobody elsewhere; the migratory protocol already serializes its calls across sites.",
        helpLinkUri: HelpBase + "TESS0020.md");

    public static readonly DiagnosticDescriptor ThreadAffinity = new(
        id: "TESS0021",
        title: "Thread-local state or thread identity in a distributed class",
        messageFormat: "'{0}' uses {1}, which belongs to the thread running the call: a remote call runs on another site's thread, so the value is not the caller's; pass the value as a parameter instead",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "[ThreadStatic] fields, ThreadLocal<T>, AsyncLocal<T> and the current thread's identity describe the thread that runs the code. A remote call runs on a thread of the object's home site, never the caller's, so such values silently differ from a local call's.",
        helpLinkUri: HelpBase + "TESS0021.md");

    public static readonly DiagnosticDescriptor AsyncSelfWait = new(
        id: "TESS0022",
        title: "[Async] object waits for a call to itself",
        messageFormat: "'{0}' waits for '{1}', a call through its own async reference: the object runs one call at a time, so that call stays queued behind this one, which waits for it; call the method on 'this' directly instead",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "An [Async] object runs its calls one at a time, and a call (an async one included) ends before the next one starts. A call it makes to itself through its own Ref is queued behind the running call, so waiting for its reply (.Value, Wait, GetValue, the implicit conversion or await) deadlocks until the wait times out.",
        helpLinkUri: HelpBase + "TESS0022.md");

    public static readonly DiagnosticDescriptor LockAcrossRemoteCall = new(
        id: "TESS0023",
        title: "Lock held across a remote call",
        messageFormat: "{0} is held across the call '{1}', which may run on another site: {2}; copy what the call needs while holding the lock, and call after releasing it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A lock belongs to one process: it never excludes the threads of the site where a remote call runs. Held across a call that waits for the network, it also makes every thread that needs the lock wait for the network, and a callback into this site that takes the same lock deadlocks.",
        helpLinkUri: HelpBase + "TESS0023.md");

    public static readonly DiagnosticDescriptor ArgumentMutatedAfterRemoteCall = new(
        id: "TESS0024",
        title: "Argument changed after a remote call copied it",
        messageFormat: "'{0}' is changed here after it was passed to '{1}': a remote object got a copy, which does not see the change, while a local one shares it and does; make the change before the call, or pass a copy if the callee must not see it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Arguments of a remote call to a [Stationary] or [Async] object are copied with MemoryPack when the call is sent. Changing an array, a collection or a [MemoryPackable] object afterwards changes only the caller's copy, while the same code with a local object changes what the callee holds: the code means different things depending on where the object lives.",
        helpLinkUri: HelpBase + "TESS0024.md");

    public static readonly DiagnosticDescriptor ExplicitInterfaceImplementation = new(
        id: "TESS0025",
        title: "Explicit interface implementation in a distributed class is not remotable",
        messageFormat: "{0} implements '{1}' explicitly, so {2}; {3}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A remote reference to a [Stationary] object, and every [Cached] instance, is a generated subclass that overrides the public virtual members. An explicit interface implementation cannot be overridden, so a call through the interface runs the class's own code against the proxy's empty fields, or without the [Cached] state being brought here, and returns a wrong answer instead of failing.",
        helpLinkUri: HelpBase + "TESS0025.md");

    public static readonly DiagnosticDescriptor ReservedName = new(
        id: "TESS0026",
        title: "Parameter named like something in the generated code",
        messageFormat: "Parameter '{0}' of {1} is copied into the code generated for this {2} class, which uses names starting with two underscores, and TesseraCodec and TesseraType, for its own; rename it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The generated proxies, codecs and factories repeat the parameters of remotable methods, and of [Cached] constructors, next to parameters and locals of their own named with two leading underscores (which C# reserves for generated code), and refer to the generated TesseraCodec and TesseraType by their short names. A parameter with such a name either fails to compile inside generated code, with an error that does not name it, or compiles and silently means the generated variable instead (an [Async] parameter named __target passes the object itself).",
        helpLinkUri: HelpBase + "TESS0026.md");
}
