using Microsoft.CodeAnalysis;
using Tessera.Generators.Emitting;
using Tessera.Generators.Model;
using Tessera.Generators.Parsing;

namespace Tessera.Generators;

/// <summary>Emits proxies, home-side invokers and ticket helpers for every <c>[Stationary]</c> partial class.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class StationaryGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = DistributedClassPipeline.Models(context, KnownNames.StationaryAttribute, Parser.Parse, TrackingNames.StationaryClasses, TrackingNames.StationaryModels);

        DistributedClassPipeline.RegisterSources(context, models, static model => model.HintName, static model => StationaryEmitter.Emit(model), TrackingNames.StationaryHintNames);
    }
}
