using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tessera;

/// <summary>
/// The <c>Tessera</c> meter and activity source, for OpenTelemetry, <c>dotnet-counters</c>, or a
/// <see cref="MeterListener"/> and an <see cref="ActivityListener"/>. The README lists every instrument with
/// its unit and tags, and the activities.
/// </summary>
public static class TesseraMetrics
{
    public const string MeterName = "Tessera";

    /// <summary>One activity per remote call: a client (or producer) activity at the caller, a server (or consumer) one at home.</summary>
    public const string ActivitySourceName = "Tessera";

    // The assembly's own version, so the meter and source never drift from the package.
    private static readonly string? Version = typeof(TesseraMetrics).Assembly.GetName().Version?.ToString(3);

    private static readonly Meter Meter = new(MeterName, Version);

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName, Version);

    internal static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>("tessera.messages.sent", "{message}", "Wire messages sent, by kind.");

    internal static readonly Counter<long> MessagesReceived = Meter.CreateCounter<long>("tessera.messages.received", "{message}", "Wire messages received, by kind.");

    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>("tessera.calls", "{call}", "Remote calls made from this site, by protocol and outcome.");

    internal static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>("tessera.call.duration", "s", "Caller-side duration of remote calls that wait for a reply, by protocol and outcome.");

    internal static readonly Counter<long> StateMoves = Meter.CreateCounter<long>("tessera.cached.moves", "{move}", "[Cached] object states that arrived at this site: one per TOKEN message.");

    internal static readonly Counter<long> DataflowBinds = Meter.CreateCounter<long>("tessera.dataflow.binds", "{bind}", "Dataflow variables determined on this site (bound, failed, or an async call's reply), by outcome.");

    internal static readonly Counter<long> FaultTransitions = Meter.CreateCounter<long>("tessera.fault.transitions", "{transition}", "Fault-state changes of references, by the state entered.");

    /// <summary>The fault code reports each state a reference enters (Ok, TempFail, LocalFail, PermFail) here.</summary>
    internal static void FaultTransition(string state) => FaultTransitions.Add(1, new KeyValuePair<string, object?>("state", state));

    /// <summary>For gauges read on demand, such as each site's exported-entity and proxy counts.</summary>
    internal static ObservableGauge<long> CreateGauge(string name, Func<IEnumerable<Measurement<long>>> observe, string unit, string description)
        => Meter.CreateObservableGauge(name, observe, unit, description);
}
