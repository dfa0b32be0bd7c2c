using System.Diagnostics;
using Tessera.Diagnostics;
using Tessera.Runtime.Tests.Sites;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Diagnostics;

/// <summary>One trace across sites: the caller's activity is the parent of home's, through the call message.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TracingTests
{
    [Fact]
    public async Task A_stationary_call_is_a_client_activity_here_and_its_server_child_at_home()
    {
        await using var sites = await GreeterSites.StartAsync();
        using var recorder = new ActivityRecorder();

        var (trace, root) = await UnderRootAsync(rootActivity =>
        {
            Assert.Equal("hello trace", sites.Greeter.Greet("trace"));
            Assert.Same(rootActivity, Activity.Current);
        });

        var spans = await recorder.InTraceAsync(trace, 2);
        var client = Assert.Single(spans, span => span.Kind == ActivityKind.Client);
        var server = Assert.Single(spans, span => span.Kind == ActivityKind.Server);
        Assert.Equal("tessera.stationary.call", client.OperationName);
        Assert.Equal("tessera.stationary.call", server.OperationName);
        Assert.Equal(root, client.ParentSpanId);
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.True(server.HasRemoteParent);
        Assert.Equal(sites.Caller.Identity.ToString(), client.GetTagItem("tessera.site"));
        Assert.Equal(sites.Home.Identity.ToString(), client.GetTagItem("tessera.peer"));
        Assert.Equal(sites.Home.Identity.ToString(), server.GetTagItem("tessera.site"));
        Assert.Equal(sites.Caller.Identity.ToString(), server.GetTagItem("tessera.peer"));
        Assert.Equal(typeof(Greeter).FullName, client.GetTagItem("rpc.service"));
        Assert.Equal(typeof(Greeter).FullName, server.GetTagItem("rpc.service"));
        Assert.Equal(client.GetTagItem("rpc.method"), server.GetTagItem("rpc.method"));
        Assert.Equal("tessera", server.GetTagItem("rpc.system"));
        Assert.Equal(ActivityStatusCode.Unset, client.Status);
    }

    [Fact]
    public async Task Calls_a_method_makes_at_home_join_the_callers_trace()
    {
        await using var sites = await GreeterSites.StartAsync();
        var local = new Greeter();
        using var recorder = new ActivityRecorder();

        // Home calls back the caller's own Greeter: four activities, caller → home → caller.
        var (trace, _) = await UnderRootAsync(_ => Assert.Equal("hello you via hello me", sites.Greeter.Introduce(local, "you")));

        var spans = await recorder.InTraceAsync(trace, 4);
        Activity At(Site site, ActivityKind kind) => Assert.Single(spans, span => span.Kind == kind && (string?)span.GetTagItem("tessera.site") == site.Identity.ToString());
        Assert.Equal(At(sites.Caller, ActivityKind.Client).SpanId, At(sites.Home, ActivityKind.Server).ParentSpanId);
        Assert.Equal(At(sites.Home, ActivityKind.Server).SpanId, At(sites.Home, ActivityKind.Client).ParentSpanId);
        Assert.Equal(At(sites.Home, ActivityKind.Client).SpanId, At(sites.Caller, ActivityKind.Server).ParentSpanId);
    }

    [Fact]
    public async Task Async_calls_trace_without_leaving_their_activity_current_at_the_caller()
    {
        await using var sites = await GreeterSites.StartAsync();
        var sequencer = await sites.SequencerAsync();
        using var recorder = new ActivityRecorder();

        var (trace, root) = await UnderRootAsync(async rootActivity =>
        {
            var sum = sequencer.Add(2, 3);
            // The caller goes on while the call is out: its own activity is still the current one.
            Assert.Same(rootActivity, Activity.Current);
            sequencer.Note(7);
            Assert.Equal(5, await sum);
            Assert.Equal(1, await sequencer.Count());
        });

        var spans = await recorder.InTraceAsync(trace, 6);
        var sent = spans.Where(span => span.Kind is ActivityKind.Client or ActivityKind.Producer).ToList();
        Assert.Equal(["tessera.async.call", "tessera.async.call", "tessera.async.send"], sent.Select(span => span.OperationName).Order());
        Assert.All(sent, span => Assert.Equal(root, span.ParentSpanId));
        Assert.All(sent, span => Assert.Equal("async", span.GetTagItem("tessera.protocol")));
        foreach (var span in sent)
        {
            var served = Assert.Single(spans, child => child.ParentSpanId == span.SpanId);
            Assert.Equal(span.Kind == ActivityKind.Client ? ActivityKind.Server : ActivityKind.Consumer, served.Kind);
            Assert.Equal(span.OperationName, served.OperationName);
        }
    }

    [Fact]
    public async Task A_failed_call_marks_both_activities_with_the_error()
    {
        await using var sites = await GreeterSites.StartAsync();
        using var recorder = new ActivityRecorder();

        var (trace, _) = await UnderRootAsync(_ => Assert.Throws<RemoteException>(() => sites.Greeter.Fail("on purpose")));

        var spans = await recorder.InTraceAsync(trace, 2);
        Assert.All(spans, span => Assert.Equal(ActivityStatusCode.Error, span.Status));
        Assert.Equal(typeof(RemoteException).FullName, Assert.Single(spans, span => span.Kind == ActivityKind.Client).GetTagItem("error.type"));
        Assert.Equal(typeof(InvalidOperationException).FullName, Assert.Single(spans, span => span.Kind == ActivityKind.Server).GetTagItem("error.type"));
    }

    [Fact]
    public async Task Calls_nobody_traces_carry_no_trace_context()
    {
        CallCapturingTransport? capture = null;
        await using var sites = await GreeterSites.StartAsync(wrapCallerTransport: transport => capture = new CallCapturingTransport(transport));
        var sequencer = await sites.SequencerAsync();

        Assert.False(TesseraMetrics.ActivitySource.HasListeners());
        sites.Greeter.Greet("nobody");
        Assert.Equal(5, await sequencer.Add(2, 3));

        Assert.Equal([MessageKind.Call, MessageKind.AsyncCall], capture!.Calls.Select(call => call.Kind));
        Assert.All(capture.Calls, call => Assert.Null(call.TraceContext));
    }

    [Fact]
    public async Task Traced_calls_carry_the_callers_span_as_parent()
    {
        CallCapturingTransport? capture = null;
        await using var sites = await GreeterSites.StartAsync(wrapCallerTransport: transport => capture = new CallCapturingTransport(transport));
        using var recorder = new ActivityRecorder();

        var (trace, _) = await UnderRootAsync(_ => sites.Greeter.Greet("someone"));

        var client = Assert.Single(await recorder.InTraceAsync(trace, 2), span => span.Kind == ActivityKind.Client);
        Assert.True(TraceContextCodec.TryDecode(Assert.Single(capture!.Calls).TraceContext, out var sent));
        Assert.Equal(trace, sent.TraceId);
        Assert.Equal(client.SpanId, sent.SpanId);
        Assert.Equal(ActivityTraceFlags.Recorded, sent.TraceFlags);
    }

    /// <summary>Runs <paramref name="calls"/> under a root activity of the test's own, and returns that root's trace and span.</summary>
    private static async Task<(ActivityTraceId Trace, ActivitySpanId Root)> UnderRootAsync(Func<Activity, Task> calls)
    {
        using var root = ActivityRecorder.StartRoot("test");
        await calls(root);
        return (root.TraceId, root.SpanId);
    }

    private static Task<(ActivityTraceId Trace, ActivitySpanId Root)> UnderRootAsync(Action<Activity> calls) => UnderRootAsync(root =>
    {
        calls(root);
        return Task.CompletedTask;
    });
}
