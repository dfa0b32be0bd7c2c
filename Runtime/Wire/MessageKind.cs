namespace Tessera.Wire;

/// <summary>
/// The kinds of wire message, as counted per site. Each protocol owns a range of values:
/// 0-9 sites, tickets and the stationary protocol; 10-19 the migratory (cached) protocol;
/// 20-29 async calls and dataflow variables;
/// 30-39 distributed garbage collection; 40-49 failure detection and fault operations. Values never change once shipped.
/// </summary>
public enum MessageKind
{
    Call = 0,
    Reply = 1,
    Take = 2,
    TakeReply = 3,
    Cancel = 4,

    /// <summary>Migratory: a site asks the home's manager for an object's state.</summary>
    Get = 10,

    /// <summary>Migratory: the manager tells the last requester whom to hand the state to next.</summary>
    Forward = 11,

    /// <summary>Migratory: the state itself, on its way to the next requester.</summary>
    Token = 12,

    /// <summary>Migratory: the manager declares an object's state lost (its holder died).</summary>
    StateLost = 13,

    /// <summary>Migratory, failures only: the manager asks how far the state has travelled.</summary>
    StateQuery = 14,

    StateQueryReply = 15,

    /// <summary>Migratory, failures only: the manager has the state skip a dead requester.</summary>
    StateReroute = 16,

    StateRerouteReply = 17,

    /// <summary>Migratory, failures only: a holder tells the manager it cannot reach the site it was to hand the state to.</summary>
    StateUnreachable = 18,

    /// <summary>Async: a call on an active object, carrying its reply variable (or none, one-way).</summary>
    AsyncCall = 20,

    /// <summary>Async: the reply that binds (or fails) a call's reply variable.</summary>
    AsyncReply = 21,

    /// <summary>Variables: a site that received an unbound variable registers with its manager.</summary>
    VariableRegister = 22,

    /// <summary>Variables: a proxy site's bind, sent to the manager; the first to arrive wins.</summary>
    VariableBind = 23,

    /// <summary>Variables: the manager's outcome, sent to each registered proxy site.</summary>
    VariableBound = 24,

    /// <summary>Async: the caller cancelled a call's token; home cancels the token the method received.</summary>
    AsyncCancel = 25,

    /// <summary>Garbage collection: weight of dropped proxies going home, batched.</summary>
    WeightReturn = 30,

    /// <summary>Garbage collection: a holder renews its leases on the entities it still references.</summary>
    LeaseRenewal = 31,

    /// <summary>Faults: sent on a link that has been idle for a heartbeat interval, so silence means trouble.</summary>
    Heartbeat = 40,

    /// <summary>Faults: the answer to a heartbeat, echoing its timestamp so the sender measures the round trip.</summary>
    HeartbeatAck = 41,

    /// <summary>Faults: a site that stops says so, and its peers declare it permanently failed at once.</summary>
    SiteLeaving = 42,

    /// <summary>Faults: a holder asks the entity's home to kill it for everybody.</summary>
    KillEntity = 43,

    /// <summary>Faults: the home tells its peers an entity was killed.</summary>
    EntityKilled = 44,
}
