using Tessera.Generators.Model;

namespace Tessera.Generators.Async;

/// <summary>
/// Everything the emitter needs about one <c>[Async]</c> class: the parts every distributed class has, plus
/// its one-way methods and the constructors its factories mirror. Strings and equatable arrays only.
/// </summary>
/// <param name="OneWayMethods">Ids of the <c>void</c> methods marked <c>[OneWay]</c>: one message, no reply.</param>
internal sealed record AsyncClassModel(
    StationaryClassModel Core,
    EquatableArray<uint> OneWayMethods,
    EquatableArray<AsyncFactoryModel> Factories);

/// <summary>One accessible constructor, mirrored by a <c>Create</c> factory.</summary>
/// <param name="Accessibility">"public" or "internal".</param>
/// <param name="Parameters">Declarations, e.g. <c>global::System.Int32 seed = 100</c>.</param>
/// <param name="Arguments">The names passed on, e.g. <c>seed</c>.</param>
internal sealed record AsyncFactoryModel(string Accessibility, EquatableArray<string> Parameters, EquatableArray<string> Arguments);
