namespace Tessera.Generators.Model;

/// <summary>
/// Everything the emitter needs about one <c>[Stationary]</c> class, as strings and equatable arrays
/// only (no symbols, syntax or locations), so unrelated edits leave the pipeline cached.
/// </summary>
/// <param name="HintName">File name of the generated source.</param>
/// <param name="Namespace">The class's namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first, as "class Outer" declarations.</param>
/// <param name="ClassName">The simple name.</param>
/// <param name="FullyQualifiedName">With <c>global::</c>, for use in code.</param>
/// <param name="MetadataName">The name written in tickets, e.g. <c>Samples.Coder</c>.</param>
/// <param name="HasOnlyImplicitConstructor">True when the class declares no constructor, so one must be restated.</param>
/// <param name="Fingerprint">Hash of the remotable shape.</param>
internal sealed record StationaryClassModel(
    string HintName,
    string Namespace,
    EquatableArray<string> ContainingTypes,
    string ClassName,
    string FullyQualifiedName,
    string MetadataName,
    bool HasOnlyImplicitConstructor,
    ulong Fingerprint,
    EquatableArray<MethodModel> Methods);
