using System;
using Tessera.Infrastructure;
using Tessera.Wire;

namespace Tessera.Protocols.Variables;

/// <summary>Turns a determined variable into its wire outcome and back.</summary>
internal static class VariableOutcomes
{
    public static VariableOutcome Of<T>(Site site, Dataflow<T> variable, DataflowCodec<T> codec)
        => variable.TryGetValue(out var value) ? Value(site, value, codec) : Fault(variable.Fault ?? new OperationCanceledException("The variable was cancelled."));

    public static VariableOutcome Value<T>(Site site, T value, DataflowCodec<T> codec) => new() { Value = codec.Encode(site, value) };

    public static VariableOutcome Fault(Exception error) => error is RemoteException remote
        ? new VariableOutcome { IsFault = true, FaultType = remote.RemoteTypeName, FaultMessage = remote.RemoteMessage, FaultStackTrace = remote.RemoteStackTrace }
        : new VariableOutcome { IsFault = true, FaultType = error.GetType().FullName ?? error.GetType().Name, FaultMessage = error.Message ?? "", FaultStackTrace = error.StackTrace };

    /// <summary>Determines <paramref name="variable"/> from an outcome decided at <paramref name="origin"/>; false if it already was.</summary>
    public static bool Apply<T>(Site site, Dataflow<T> variable, VariableOutcome outcome, DataflowCodec<T> codec, SiteIdentity origin)
    {
        if (outcome.IsFault)
            return variable.TryFailFromProtocol(new RemoteException(outcome.FaultType, outcome.FaultMessage, outcome.FaultStackTrace, "A dataflow variable", origin));
        return variable.TrySetFromProtocol(codec.Decode(site, outcome.Value));
    }
}
