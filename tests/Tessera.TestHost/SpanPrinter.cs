using System;
using System.Diagnostics;
using Tessera;

namespace Tessera.TestHost;

/// <summary>
/// Prints each Tessera activity that ends in this process as one line, <c>span NAME KIND TRACE SPAN PARENT</c>,
/// so a test in another process can check that one trace spans both.
/// </summary>
internal static class SpanPrinter
{
    public static IDisposable Start()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == TesseraMetrics.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = static activity => Console.Out.WriteLine($"span {activity.OperationName} {activity.Kind} {activity.TraceId} {activity.SpanId} {activity.ParentSpanId}"),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
