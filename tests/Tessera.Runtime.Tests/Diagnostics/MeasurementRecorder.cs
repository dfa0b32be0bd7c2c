using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Tessera.Runtime.Tests.Diagnostics;

/// <summary>Records the Tessera meter's instruments and every measurement, with its tags.</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Instrument> _published = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = new();

    public MeasurementRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != TesseraMetrics.MeterName) return;
            _published[instrument.Name] = instrument;
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyDictionary<string, Instrument> Published => _published;

    /// <summary>The sum of the measurements of <paramref name="instrument"/> that carry every one of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Sum(measurement => measurement.Value);

    public int Count(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Count();

    /// <summary>Every value <paramref name="key"/> took in the measurements of <paramref name="instrument"/> so far, in order.</summary>
    public IReadOnlyList<string?> Tags(string instrument, string key)
        => _measurements.Where(measurement => measurement.Instrument == instrument && measurement.Tags.ContainsKey(key))
            .Select(measurement => measurement.Tags[key]).Distinct().Order().ToList();

    /// <summary>Reads the observable gauges now.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private IEnumerable<(string Instrument, double Value, Dictionary<string, string?> Tags)> Matching(string instrument, (string Key, string Value)[] tags)
        => _measurements.Where(measurement => measurement.Instrument == instrument
            && tags.All(tag => measurement.Tags.TryGetValue(tag.Key, out var value) && value == tag.Value));

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value?.ToString();
        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
