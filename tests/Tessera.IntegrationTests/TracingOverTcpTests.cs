using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tessera.TestHost;
using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>
/// Issue 8's telemetry over real TCP: a Tessera.TestHost process prints the activities that end there, this
/// process records its own, and together they make one trace whose parent links cross both processes twice.
/// </summary>
public sealed class TracingOverTcpTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly ActivitySource TestSource = new("Tessera.IntegrationTests");

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private ActivityTraceId _trace;

    public TracingOverTcpTests()
    {
        // Samples only this test's trace: tests in other classes run meanwhile and stay untraced.
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name is TesseraMetrics.ActivitySourceName or "Tessera.IntegrationTests",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Source == TestSource || options.Parent.TraceId == _trace ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity => _stopped.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task One_trace_spans_the_caller_process_and_the_home_process_including_calls_back()
    {
        var ticketFile = TicketFile.NewPath();
        await using var home = ChildProcess.Start("Tessera.TestHost", "serve", ticketFile, "--trace");
        var ticket = await TicketFile.WaitAsync(ticketFile, home, Timeout);
        await using var site = await Site.StartAsync();
        var calculator = await Calculator.TakeAsync(site, ticket);
        using var meter = new MeterListener();
        var calls = CountCalls(meter, site);

        using (var root = TestSource.StartActivity("test") ?? throw new InvalidOperationException("The test source has no listener."))
        {
            _trace = root.TraceId;
            Assert.Equal(5, calculator.Add(2, 3));
            // Home calls this process's Counter back twice (Increment, Value) from inside Bump.
            Assert.Equal(1, calculator.Bump(new Counter("here"), 1));
        }

        var here = _stopped.Where(activity => activity.TraceId == _trace && activity.Source.Name == TesseraMetrics.ActivitySourceName).ToList();
        var there = await ReadSpansAsync(home, _trace.ToString(), count: 4);
        var clients = here.Where(span => span.Kind == ActivityKind.Client).ToList();
        Assert.Equal(2, clients.Count);
        var served = clients.Select(client => Assert.Single(there, span => span.Parent == client.SpanId.ToString())).ToList();
        Assert.All(served, span => Assert.Equal(("tessera.stationary.call", "Server"), (span.Name, span.Kind)));
        // Bump's home span is the one that made calls of its own: the two callbacks, as clients there.
        var servedBump = Assert.Single(served, span => there.Any(child => child.Parent == span.Id));
        var callbacks = there.Where(span => span.Parent == servedBump.Id).ToList();
        Assert.Equal(2, callbacks.Count);
        Assert.All(callbacks, span => Assert.Equal("Client", span.Kind));
        var servedHere = here.Where(span => span.Kind == ActivityKind.Server).ToList();
        Assert.Equal(2, servedHere.Count);
        Assert.All(servedHere, span => Assert.Contains(callbacks, callback => callback.Id == span.ParentSpanId.ToString()));
        Assert.Equal(2, calls.GetValueOrDefault("ok"));
        await home.StopAsync(Timeout);
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>Counts the <c>tessera.calls</c> measurements <paramref name="site"/> makes, by outcome.</summary>
    private static ConcurrentDictionary<string, long> CountCalls(MeterListener listener, Site site)
    {
        var calls = new ConcurrentDictionary<string, long>();
        var siteId = site.Identity.ToString();
        listener.InstrumentPublished = static (instrument, l) =>
        {
            if (instrument.Meter.Name == TesseraMetrics.MeterName && instrument.Name == "tessera.calls") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? outcome = null;
            var mine = false;
            foreach (var tag in tags)
            {
                if (tag.Key == "site") mine = (string?)tag.Value == siteId;
                if (tag.Key == "outcome") outcome = (string?)tag.Value;
            }
            if (mine && outcome is not null) calls.AddOrUpdate(outcome, value, (_, sum) => sum + value);
        });
        listener.Start();
        return calls;
    }

    /// <summary>Reads the home process's span lines until <paramref name="count"/> of the trace have ended there.</summary>
    private static async Task<IReadOnlyList<Span>> ReadSpansAsync(ChildProcess home, string trace, int count)
    {
        var spans = new List<Span>();
        using var deadline = new CancellationTokenSource(Timeout);
        while (spans.Count < count)
        {
            var line = await home.StandardOutput.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException("The home process closed its output.");
            var fields = line.Split(' ');
            if (fields is ["span", var name, var kind, var traceId, var span, var parent] && traceId == trace) spans.Add(new Span(name, kind, span, parent));
        }
        return spans;
    }

    private sealed record Span(string Name, string Kind, string Id, string Parent);
}
