using Tessera.Generators.Model;

namespace Tessera.Generators.Cached;

/// <summary>
/// Everything the emitter needs about one <c>[Cached]</c> class, as strings and equatable arrays only, so
/// unrelated edits leave the pipeline cached.
/// </summary>
/// <param name="Class">The parts every distributed class shares, parsed as for <c>[Stationary]</c>.</param>
/// <param name="Factories">One per accessible constructor, in declaration order.</param>
/// <param name="Fields">Every instance field that makes up the state, the class's own and its base classes'.</param>
internal sealed record CachedClassModel(
    StationaryClassModel Class,
    EquatableArray<FactoryModel> Factories,
    EquatableArray<FieldModel> Fields);

/// <param name="Accessibility">The constructor's, e.g. <c>public</c>.</param>
/// <param name="Parameters">The parameter list as declared, fully qualified, e.g. <c>int seed, string? name = null</c>.</param>
/// <param name="Arguments">The arguments that pass them on, e.g. <c>seed, name</c>.</param>
internal sealed record FactoryModel(string Accessibility, string Parameters, string Arguments);

/// <param name="Name">The field's metadata name; for an auto-property, its backing field's (<c>&lt;P&gt;k__BackingField</c>).</param>
/// <param name="DeclaringType">The class that declares it, fully qualified: base-class fields are reached through their own class.</param>
/// <param name="Value">How it travels: copied by MemoryPack, or as a reference when its type is distributed.</param>
internal sealed record FieldModel(string Name, string DeclaringType, ValueModel Value);
