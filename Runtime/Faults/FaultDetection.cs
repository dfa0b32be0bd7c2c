namespace Tessera;

/// <summary>What an operation on an entity in <see cref="FaultState.TempFail"/> does.</summary>
public enum FaultDetection
{
    /// <summary>Fail at once with <see cref="EntityFaultException"/>: nothing is sent, so nothing runs.</summary>
    ThrowOnUse = 0,

    /// <summary>Wait for the entity to recover, up to the operation's deadline; a final state still fails at once.</summary>
    WaitForRecovery = 1,
}
