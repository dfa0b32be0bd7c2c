namespace Tessera.Wire;

/// <summary>
/// The kinds of wire message, as counted per site. Each protocol owns a range of values:
/// 0-9 sites, tickets and the stationary protocol; 10-19 the migratory (cached) protocol;
/// 20-29 async calls and dataflow variables. Values never change once shipped.
/// </summary>
public enum MessageKind
{
    Call = 0,
    Reply = 1,
    Take = 2,
    TakeReply = 3,
    Cancel = 4,
}
