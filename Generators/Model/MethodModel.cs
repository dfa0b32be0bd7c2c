namespace Tessera.Generators.Model;

internal enum ReturnShape
{
    Void,
    Value,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <param name="Name">The method's name.</param>
/// <param name="Id">Stable id on the wire (see ProxyRequirements.MethodId).</param>
/// <param name="DeclaredReturnType">The return type as declared, fully qualified.</param>
/// <param name="Result">The value that travels back (the T of Task&lt;T&gt;), or null when none does.</param>
internal sealed record MethodModel(
    string Name,
    uint Id,
    ReturnShape Shape,
    string DeclaredReturnType,
    ValueModel? Result,
    EquatableArray<ParameterModel> Parameters)
{
    /// <summary>The name as generated code writes it (escaped when a keyword); <see cref="Name"/> is what helper names are built from.</summary>
    public string Identifier => Parsing.Parser.Escape(Name);

    /// <summary>Whether the method returns a task, so the generated code awaits it.</summary>
    public bool IsAsync => Shape is not (ReturnShape.Void or ReturnShape.Value);
}

/// <param name="Name">The parameter's name, escaped if it is a keyword.</param>
/// <param name="Modifiers">Attributes that carry a default (<c>[Optional]</c>) and <c>params </c>, or empty.</param>
/// <param name="Default">The default value clause (<c> = 5</c>), or empty.</param>
internal sealed record ParameterModel(string Name, ValueModel Value, bool IsCancellationToken, string Modifiers = "", string Default = "");

/// <summary>A type that crosses the wire: copied by MemoryPack, or sent as a reference when distributed.</summary>
/// <param name="Type">Fully qualified, with nullable annotations.</param>
/// <param name="ReferenceTypeInfo">For a distributed class, the expression of its type info; otherwise null.</param>
/// <param name="IsNonNullableReference">A reference type without '?': a decoded value needs '!' to be assigned to it.</param>
/// <param name="VariableCodec">For a <c>Dataflow&lt;T&gt;</c> or <c>Dataflow</c>, the expression of its value codec: it travels as a variable.</param>
/// <param name="IsAsyncReference">An <c>[Async]</c> class's <c>X.Ref</c>: it travels as a reference to the same object, <see cref="ReferenceTypeInfo"/> being <c>X</c>'s.</param>
/// <param name="FixedSize">For a number, <c>bool</c>, <c>char</c> or enum, the bytes MemoryPack gives it (its memory); 0 for any other type.</param>
internal sealed record ValueModel(string Type, string? ReferenceTypeInfo, bool IsNonNullableReference, string? VariableCodec = null, bool IsAsyncReference = false, int FixedSize = 0);
