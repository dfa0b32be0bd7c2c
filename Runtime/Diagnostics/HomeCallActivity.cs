using System.Diagnostics;
using Tessera.Sites;

namespace Tessera.Diagnostics;

/// <summary>
/// The home side of a remote call's trace: a server (or consumer) activity whose parent is the caller's
/// context from the call message, current while the method runs, so calls the method makes join the trace.
/// </summary>
internal static class HomeCallActivity
{
    /// <summary>Null when nobody listens; otherwise the started activity. Call from the flow that runs the method.</summary>
    public static Activity? Start(CallProtocol protocol, byte[]? traceContext, uint methodId, Site site, PeerConnection caller)
    {
        if (!TesseraMetrics.ActivitySource.HasListeners()) return null;
        if (!TraceContextCodec.TryDecode(traceContext, out var parent))
        {
            // An untraced caller starts a trace here, not a child of whatever this pool thread's flow carried.
            Activity.Current = null;
        }
        var activity = TesseraMetrics.ActivitySource.StartActivity(protocol.ActivityName, protocol.HomeKind, parent);
        if (activity is not null) CallActivityTags.Describe(activity, protocol, methodId, site.Identity, caller.Peer);
        return activity;
    }

    /// <summary>
    /// Stops the activity. <paramref name="typeName"/> is the called object's class, known once its key was
    /// looked up; <paramref name="errorType"/> names the fault the caller gets, or is null for a result.
    /// </summary>
    public static void End(Activity? activity, string? typeName, string? errorType, string? description)
    {
        if (activity is null) return;
        CallActivityTags.Service(activity, typeName);
        if (errorType is not null) CallActivityTags.Fail(activity, errorType, description);
        activity.Stop();
    }
}
