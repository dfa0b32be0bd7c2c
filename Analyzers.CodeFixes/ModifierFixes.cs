using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Tessera.Analyzers.CodeFixes;

/// <summary>TESS0001: adds <c>partial</c> to the class, or to the containing type the diagnostic is on.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialFix)), Shared]
public sealed class AddPartialFix : SyntaxFix<TypeDeclarationSyntax>
{
    public AddPartialFix() : base("Add 'partial'") { }

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.MustBePartial.Id);

    private protected override bool CanFix(TypeDeclarationSyntax node, Diagnostic diagnostic) => !node.Modifiers.Any(SyntaxKind.PartialKeyword);

    private protected override Task<SyntaxNode> ReplacementAsync(Document document, TypeDeclarationSyntax node, Diagnostic diagnostic, CancellationToken cancellationToken)
        => Modify(document, node, m => m.WithPartial(true));

    internal static Task<SyntaxNode> Modify(Document document, SyntaxNode node, System.Func<DeclarationModifiers, DeclarationModifiers> change)
    {
        var generator = SyntaxGenerator.GetGenerator(document);
        return Task.FromResult(generator.WithModifiers(node, change(generator.GetModifiers(node))));
    }
}

/// <summary>TESS0005: makes a public method remotable, by adding <c>virtual</c> or removing <c>sealed</c> from an override.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddVirtualFix)), Shared]
public sealed class AddVirtualFix : SyntaxFix<MethodDeclarationSyntax>
{
    public AddVirtualFix() : base("Make the method remotable") { }

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NonVirtualMethod.Id);

    private protected override Task<SyntaxNode> ReplacementAsync(Document document, MethodDeclarationSyntax node, Diagnostic diagnostic, CancellationToken cancellationToken)
        => AddPartialFix.Modify(document, node, m => m.IsSealed ? m.WithIsSealed(false) : m.WithIsVirtual(true));
}

/// <summary>TESS0006: removes <c>sealed</c> from the class part that has it (static and abstract need a design choice, so no fix).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveSealedFix)), Shared]
public sealed class RemoveSealedFix : SyntaxFix<TypeDeclarationSyntax>
{
    public RemoveSealedFix() : base("Remove 'sealed'") { }

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidClassModifier.Id);

    private protected override bool CanFix(TypeDeclarationSyntax node, Diagnostic diagnostic)
        => node.Modifiers.Any(SyntaxKind.SealedKeyword) && !node.Modifiers.Any(SyntaxKind.StaticKeyword);

    private protected override Task<SyntaxNode> ReplacementAsync(Document document, TypeDeclarationSyntax node, Diagnostic diagnostic, CancellationToken cancellationToken)
        => AddPartialFix.Modify(document, node, m => m.WithIsSealed(false));
}
