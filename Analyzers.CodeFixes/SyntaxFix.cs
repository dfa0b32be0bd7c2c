using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Tessera.Analyzers.CodeFixes;

/// <summary>
/// The shape every Tessera code fix shares: find the node a diagnostic points at, and if the fix applies to
/// it, offer one action that replaces it. Fix All batches the same replacement over every diagnostic.
/// </summary>
public abstract class SyntaxFix<TNode> : CodeFixProvider
    where TNode : SyntaxNode
{
    private readonly string _title;

    private protected SyntaxFix(string title) => _title = title;

    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<TNode>();
            if (node is null || !CanFix(node, diagnostic)) continue;
            context.RegisterCodeFix(
                CodeAction.Create(_title, token => ApplyAsync(context.Document, root, node, diagnostic, token), equivalenceKey: GetType().Name),
                diagnostic);
        }
    }

    private protected virtual bool CanFix(TNode node, Diagnostic diagnostic) => true;

    /// <summary>The node to put in place of <paramref name="node"/>.</summary>
    private protected abstract Task<SyntaxNode> ReplacementAsync(Document document, TNode node, Diagnostic diagnostic, CancellationToken cancellationToken);

    private async Task<Document> ApplyAsync(Document document, SyntaxNode root, TNode node, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var replacement = await ReplacementAsync(document, node, diagnostic, cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root.ReplaceNode(node, replacement ?? throw new InvalidOperationException("A fix produced no node.")));
    }
}
