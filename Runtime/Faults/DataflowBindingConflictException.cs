namespace Tessera;

/// <summary>
/// A bind tried to give a dataflow variable a value other than the one it already has (or will have:
/// across sites the first bind to reach the manager wins). The variable keeps the winning value.
/// </summary>
public sealed class DataflowBindingConflictException : TesseraException
{
    public DataflowBindingConflictException(string attempted, string existing)
        : base($"The dataflow variable is already bound to {existing}; binding it to {attempted} conflicts (a variable is bound once).")
    {
        Attempted = attempted;
        Existing = existing;
    }

    /// <summary>The losing value, as text.</summary>
    public string Attempted { get; }

    /// <summary>The value the variable holds, as text, or a description of its fault.</summary>
    public string Existing { get; }
}
