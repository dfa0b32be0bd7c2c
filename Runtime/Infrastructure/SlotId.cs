using System;

namespace Tessera.Infrastructure;

/// <summary>
/// Ids for requests that wait in reusable slots (stationary replies, async calls). The low 32 bits name the
/// slot and the high 32 bits the request's sequence number, so an answer to a request that already ended
/// finds a different id in its reused slot and is dropped. The high half is never 0, so no id is 0, which
/// the wire keeps for "no reply"; it repeats only after 2^32 requests on one table.
/// </summary>
internal static class SlotId
{
    public static long Make(long sequence, int slot) => (long)Math.Max(1u, (uint)sequence) << 32 | (uint)slot;

    /// <summary>The slot an id names; compare it with the table's length before use, as a peer may send any id.</summary>
    public static uint SlotOf(long id) => (uint)id;
}
