namespace Tessera;

/// <summary>
/// An entity's fault state as this site sees it (Mozart's ok, tempFail, localFail and permFail).
/// <see cref="LocalFail"/> and <see cref="PermFail"/> are final.
/// </summary>
public enum FaultState
{
    /// <summary>The entity's home answers.</summary>
    Ok = 0,

    /// <summary>The home is silent or unreachable now and may come back.</summary>
    TempFail = 1,

    /// <summary>This site gave up on the entity (<see cref="Faults.Break"/>); other sites are unaffected.</summary>
    LocalFail = 2,

    /// <summary>The entity is gone for everybody: its home died or restarted, its state was lost, or it was killed.</summary>
    PermFail = 3,
}
