using System;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Tessera.Generators.Parsing;

/// <summary>
/// The front half every distribution attribute's generator shares: find the attributed classes, parse each
/// into an equatable model, drop the ones the analyzers report instead, and name both steps for the
/// incrementality tests.
/// </summary>
internal static class DistributedClassPipeline
{
    public static IncrementalValuesProvider<TModel> Models<TModel>(
        IncrementalGeneratorInitializationContext context,
        string attributeMetadataName,
        Func<GeneratorAttributeSyntaxContext, CancellationToken, TModel?> parse,
        string classesStep,
        string modelsStep)
        where TModel : class
        => context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attributeMetadataName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                parse)
            .WithTrackingName(classesStep)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(modelsStep);

    /// <summary>Adds each model's source under a hint name unique among the generator's (see <see cref="HintNames"/>).</summary>
    public static void RegisterSources<TModel>(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<TModel> models,
        Func<TModel, string> hintName,
        Func<TModel, string> emit,
        string hintNamesStep)
    {
        var colliding = models
            .Select((model, _) => hintName(model))
            .Collect()
            .Select(static (names, _) => HintNames.CollidingIgnoringCase(names))
            .WithTrackingName(hintNamesStep);
        context.RegisterSourceOutput(models.Combine(colliding), (output, pair) => output.AddSource(HintNames.Unique(hintName(pair.Left), pair.Right), emit(pair.Left)));
    }
}
