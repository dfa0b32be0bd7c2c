using Microsoft.CodeAnalysis;
using Tessera.Generators.Model;
using Tessera.Generators.Parsing;

namespace Tessera.Generators.Cached;

/// <summary>Emits factories, the managed subclass, state capture and restore, and ticket helpers for every <c>[Cached]</c> partial class.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class CachedGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = DistributedClassPipeline.Models(context, KnownNames.CachedAttribute, CachedParser.Parse, TrackingNames.CachedClasses, TrackingNames.CachedModels);

        DistributedClassPipeline.RegisterSources(context, models, static model => model.Class.HintName, static model => CachedEmitter.Emit(model), TrackingNames.CachedHintNames);
    }
}
