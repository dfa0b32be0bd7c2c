using System;
using MemoryPack;

namespace Tessera.Wire;

/// <summary>A site that received an unbound variable asks its manager to be told of the bind.</summary>
[MemoryPackable]
public sealed partial class VariableRegister : WireMessage
{
    public ulong Key { get; init; }

    public override MessageKind Kind => MessageKind.VariableRegister;
}

/// <summary>A proxy site asks the manager to bind (or fail) the variable; the first request to arrive wins.</summary>
[MemoryPackable]
public sealed partial class VariableBind : WireMessage
{
    public ulong Key { get; init; }

    public VariableOutcome Outcome { get; init; } = new();

    public override MessageKind Kind => MessageKind.VariableBind;

    internal override string? FindNullField() => NullIn(nameof(Outcome), Outcome) ?? Outcome.FindNullField();
}

/// <summary>The manager tells a registered proxy site how the variable was determined.</summary>
[MemoryPackable]
public sealed partial class VariableBound : WireMessage
{
    public ulong Key { get; init; }

    public VariableOutcome Outcome { get; init; } = new();

    public override MessageKind Kind => MessageKind.VariableBound;

    internal override string? FindNullField() => NullIn(nameof(Outcome), Outcome) ?? Outcome.FindNullField();
}

/// <summary>A value (encoded by the variable's codec) or a fault.</summary>
[MemoryPackable]
public sealed partial class VariableOutcome
{
    public bool IsFault { get; init; }

    public byte[] Value { get; init; } = Array.Empty<byte>();

    public string FaultType { get; init; } = "";

    public string FaultMessage { get; init; } = "";

    public string? FaultStackTrace { get; init; }

    internal string? FindNullField()
        => WireMessage.NullIn($"{nameof(VariableBind.Outcome)}.{nameof(Value)}", Value)
            ?? WireMessage.NullIn($"{nameof(VariableBind.Outcome)}.{nameof(FaultType)}", FaultType)
            ?? WireMessage.NullIn($"{nameof(VariableBind.Outcome)}.{nameof(FaultMessage)}", FaultMessage);
}
