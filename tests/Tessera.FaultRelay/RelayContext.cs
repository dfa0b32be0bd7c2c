using System.Net;

namespace Tessera.FaultInjection;

/// <summary>What every connection of one relay shares.</summary>
internal sealed record RelayContext(
    IPEndPoint Upstream,
    FaultRelayOptions Options,
    FaultControls Faults,
    FaultRelayCounters Counters,
    TrafficBudget Budget);
