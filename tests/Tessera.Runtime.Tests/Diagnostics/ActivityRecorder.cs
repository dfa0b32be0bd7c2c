using System.Collections.Concurrent;
using System.Diagnostics;
using Tessera.Runtime.Tests.Sites;

namespace Tessera.Runtime.Tests.Diagnostics;

/// <summary>Records every stopped activity of the Tessera source, and gives tests a root activity of their own to trace under.</summary>
internal sealed class ActivityRecorder : IDisposable
{
    private const string TestSourceName = "Tessera.Runtime.Tests";

    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public ActivityRecorder()
    {
        _listener = new ActivityListener
        {
            // By name: the test source may be created while this very listener is being added.
            ShouldListenTo = static source => source.Name is TesseraMetrics.ActivitySourceName or TestSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == TesseraMetrics.ActivitySourceName) _stopped.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public static Activity StartRoot(string name) => TestSource.StartActivity(name) ?? throw new InvalidOperationException("The test source has no listener.");

    /// <summary>Waits (bounded) until <paramref name="count"/> Tessera activities of the trace have stopped, and returns them.</summary>
    public async Task<IReadOnlyList<Activity>> InTraceAsync(ActivityTraceId trace, int count)
    {
        await Poll.UntilAsync(() => _stopped.Count(activity => activity.TraceId == trace) >= count);
        return _stopped.Where(activity => activity.TraceId == trace).ToList();
    }

    public void Dispose() => _listener.Dispose();
}
