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
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.CachedAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                static (syntaxContext, cancellationToken) => CachedParser.Parse(syntaxContext, cancellationToken))
            .WithTrackingName(TrackingNames.CachedClasses)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.CachedModels);

        context.RegisterSourceOutput(models, static (output, model) => output.AddSource(model.Class.HintName, CachedEmitter.Emit(model)));
    }
}
