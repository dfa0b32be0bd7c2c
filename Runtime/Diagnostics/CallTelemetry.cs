using System;
using System.Diagnostics;
using Tessera.Infrastructure;

namespace Tessera.Diagnostics;

/// <summary>
/// One remote call as its caller sees it: the caller's activity, and, when the call ends, one
/// <c>tessera.calls</c> count and (for calls that wait for a reply) one <c>tessera.call.duration</c>. With no
/// listener it makes no activity, allocates nothing and does not read the clock.
/// </summary>
internal readonly struct CallTelemetry
{
    private readonly Activity? _activity;
    private readonly CallProtocol _protocol;
    private readonly Site _site;
    private readonly long _started;

    private CallTelemetry(Activity? activity, CallProtocol protocol, Site site, long started)
    {
        _activity = activity;
        _protocol = protocol;
        _site = site;
        _started = started;
    }

    /// <summary>
    /// Starts the caller's activity; <paramref name="traceContext"/> is what the call message carries: this
    /// activity's context, else the ambient one, else null.
    /// </summary>
    public static CallTelemetry Start(CallProtocol protocol, ProxyHandle handle, uint methodId, out byte[]? traceContext)
    {
        var ambient = Activity.Current;
        var activity = TesseraMetrics.ActivitySource.StartActivity(protocol.ActivityName, protocol.CallerKind);
        if (activity is not null)
        {
            CallActivityTags.Describe(activity, protocol, methodId, handle.Site.Identity, handle.Home);
            CallActivityTags.Service(activity, handle.Type.TypeName);
            if (protocol.EndsElsewhere) Activity.Current = ambient;
        }
        traceContext = TraceContextCodec.Encode(activity ?? ambient);
        var started = protocol.WaitsForReply && TesseraMetrics.CallDuration.Enabled ? handle.Site.Options.TimeProvider.GetTimestamp() : 0;
        return new CallTelemetry(activity, protocol, handle.Site, started);
    }

    /// <summary>Records the call's end; <paramref name="error"/> is what the caller sees, or null for a result.</summary>
    public void End(Exception? error)
    {
        var outcome = CallOutcome.Of(error);
        var site = _site.Counters.SiteTag;
        TesseraMetrics.Calls.Add(1, _protocol.Tag, outcome, site);
        if (_started != 0) TesseraMetrics.CallDuration.Record(_site.Options.TimeProvider.GetElapsedTime(_started).TotalSeconds, _protocol.Tag, outcome, site);
        if (_activity is null) return;
        if (error is not null) CallActivityTags.Fail(_activity, error.GetType().FullName ?? error.GetType().Name, error.Message);
        if (!_protocol.EndsElsewhere)
        {
            _activity.Stop();
            return;
        }
        // Stop makes the activity's parent current on this thread (a connection's reader, a timer): put back what was there.
        var current = Activity.Current;
        _activity.Stop();
        Activity.Current = current;
    }
}
