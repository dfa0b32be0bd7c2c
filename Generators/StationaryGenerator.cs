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
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.StationaryAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                static (syntaxContext, cancellationToken) => Parser.Parse(syntaxContext, cancellationToken))
            .WithTrackingName(TrackingNames.StationaryClasses)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.StationaryModels);

        context.RegisterSourceOutput(models, static (output, model) => output.AddSource(model.HintName, StationaryEmitter.Emit(model)));
    }
}
