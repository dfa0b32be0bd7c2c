using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Tessera.Analyzers.CodeFixes;

/// <summary>
/// TESS0017: awaits the Dataflow variable instead of blocking on it: <c>v.Value</c> and <c>v.Wait()</c> become
/// <c>await v</c>, and an implicit conversion of <c>v</c> becomes <c>(await v)</c>. The analyzer says which
/// shape it saw; <c>GetValue(timeout)</c> gets no fix, since awaiting would drop the timeout.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitDataflowFix)), Shared]
public sealed class AwaitDataflowFix : SyntaxFix<ExpressionSyntax>
{
    // Mirrors DataflowBlockingAnalyzer's constants: this assembly does not reference the analyzers.
    private const string ShapeKey = "Shape";

    public AwaitDataflowFix() : base("Use 'await'") { }

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.BlockingDataflow.Id);

    private protected override bool CanFix(ExpressionSyntax node, Diagnostic diagnostic) => Variable(node, Shape(diagnostic)) is not null;

    private protected override Task<SyntaxNode> ReplacementAsync(Document document, ExpressionSyntax node, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var awaited = SyntaxFactory.AwaitExpression(Variable(node, Shape(diagnostic))!.WithoutTrivia());
        SyntaxNode replacement = SyntaxFactory.ParenthesizedExpression(awaited).WithAdditionalAnnotations(Simplifier.Annotation);
        return Task.FromResult(replacement.WithTriviaFrom(node));
    }

    private static string? Shape(Diagnostic diagnostic) => diagnostic.Properties.TryGetValue(ShapeKey, out var shape) ? shape : null;

    /// <summary>The expression of the variable itself, in the node the diagnostic is on.</summary>
    private static ExpressionSyntax? Variable(ExpressionSyntax node, string? shape) => shape switch
    {
        "Value" => (node as MemberAccessExpressionSyntax)?.Expression,
        "Wait" => ((node as InvocationExpressionSyntax)?.Expression as MemberAccessExpressionSyntax)?.Expression,
        "Conversion" => node,
        _ => null,
    };
}
