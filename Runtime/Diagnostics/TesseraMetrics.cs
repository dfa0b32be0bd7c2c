using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tessera;

/// <summary>The <c>Tessera</c> meter and activity source, for OpenTelemetry or dotnet-counters.</summary>
public static class TesseraMetrics
{
    public const string MeterName = "Tessera";

    private static readonly Meter Meter = new(MeterName, "0.1.0");

    internal static readonly ActivitySource ActivitySource = new(MeterName, "0.1.0");

    internal static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>("tessera.messages.sent", description: "Wire messages sent, by kind.");

    internal static readonly Counter<long> MessagesReceived = Meter.CreateCounter<long>("tessera.messages.received", description: "Wire messages received, by kind.");

    /// <summary>For gauges read on demand, such as each site's exported-entity and proxy counts.</summary>
    internal static ObservableGauge<long> CreateGauge(string name, System.Func<System.Collections.Generic.IEnumerable<Measurement<long>>> observe, string unit, string description)
        => Meter.CreateObservableGauge(name, observe, unit, description);

    internal static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>("tessera.call.duration", unit: "ms", description: "Caller-side duration of stationary calls.");
}
