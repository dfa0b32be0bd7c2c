using Microsoft.CodeAnalysis;
using Tessera.Generators.Async;
using Tessera.Generators.Model;
using Tessera.Generators.Parsing;

namespace Tessera.Generators;

/// <summary>
/// Emits, for every <c>[Async]</c> partial class, its async reference type (<c>T.Ref</c>), factories, ticket
/// helpers, the home-side invoker that runs calls through the object's executor, and a blocking proxy.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class AsyncGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = DistributedClassPipeline.Models(context, KnownNames.AsyncAttribute, AsyncParser.Parse, TrackingNames.AsyncClasses, TrackingNames.AsyncModels);

        DistributedClassPipeline.RegisterSources(context, models, static model => model.Core.HintName, static model => AsyncEmitter.Emit(model), TrackingNames.AsyncHintNames);
    }
}
