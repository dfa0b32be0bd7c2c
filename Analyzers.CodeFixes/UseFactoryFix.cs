using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace Tessera.Analyzers.CodeFixes;

/// <summary>
/// TESS0010: replaces <c>new T(args)</c> (or a target-typed <c>new(args)</c>) on a [Cached] or [Async] class
/// with the generated <c>T.Create(args)</c>. Not offered with an object initializer, which Create cannot take.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseFactoryFix)), Shared]
public sealed class UseFactoryFix : SyntaxFix<BaseObjectCreationExpressionSyntax>
{
    public UseFactoryFix() : base("Use the generated Create factory") { }

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.CachedNew.Id);

    private protected override bool CanFix(BaseObjectCreationExpressionSyntax node, Diagnostic diagnostic) => node.Initializer is null;

    private protected override async Task<SyntaxNode> ReplacementAsync(Document document, BaseObjectCreationExpressionSyntax node, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        ExpressionSyntax type;
        if (node is ObjectCreationExpressionSyntax explicitNew)
        {
            type = explicitNew.Type.WithoutTrivia();
        }
        else
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var symbol = model!.GetTypeInfo(node, cancellationToken).Type!;
            type = (ExpressionSyntax)SyntaxGenerator.GetGenerator(document).TypeExpression(symbol).WithAdditionalAnnotations(Simplifier.Annotation);
        }
        var call = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, SyntaxFactory.IdentifierName("Create")),
            node.ArgumentList ?? SyntaxFactory.ArgumentList());
        return call.WithTriviaFrom(node);
    }
}
