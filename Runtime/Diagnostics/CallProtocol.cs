using System.Collections.Generic;
using System.Diagnostics;

namespace Tessera.Diagnostics;

/// <summary>How one kind of remote call shows in telemetry: its activity name and kinds, and its <c>protocol</c> tag.</summary>
internal sealed class CallProtocol
{
    public static readonly CallProtocol Stationary = new("stationary", "tessera.stationary.call", ActivityKind.Client, ActivityKind.Server, waitsForReply: true, endsElsewhere: false);

    /// <summary>An async call ends when its reply arrives on a connection's reader, not on the caller's flow.</summary>
    public static readonly CallProtocol Async = new("async", "tessera.async.call", ActivityKind.Client, ActivityKind.Server, waitsForReply: true, endsElsewhere: true);

    /// <summary>A one-way async call is a message with no answer, so it is a producer and a consumer.</summary>
    public static readonly CallProtocol AsyncOneWay = new("async", "tessera.async.send", ActivityKind.Producer, ActivityKind.Consumer, waitsForReply: false, endsElsewhere: true);

    private CallProtocol(string name, string activityName, ActivityKind callerKind, ActivityKind homeKind, bool waitsForReply, bool endsElsewhere)
    {
        Tag = new("protocol", name);
        ActivityName = activityName;
        CallerKind = callerKind;
        HomeKind = homeKind;
        WaitsForReply = waitsForReply;
        EndsElsewhere = endsElsewhere;
    }

    public KeyValuePair<string, object?> Tag { get; }

    public string Name => (string)Tag.Value!;

    public string ActivityName { get; }

    public ActivityKind CallerKind { get; }

    public ActivityKind HomeKind { get; }

    /// <summary>Only calls that wait for a reply have a duration worth recording.</summary>
    public bool WaitsForReply { get; }

    /// <summary>
    /// The caller's activity must not stay <see cref="Activity.Current"/> after the call is sent (the caller goes on
    /// with other work), and it is stopped on another thread without disturbing that thread's current activity.
    /// </summary>
    public bool EndsElsewhere { get; }
}
