using System.Diagnostics;

namespace Tessera.Diagnostics;

/// <summary>
/// The tags both ends of a call put on their activity, after OpenTelemetry's RPC conventions. Method names are
/// not on the wire, so <c>rpc.method</c> is the method id the generated code uses. Object keys act as
/// capabilities and are never recorded.
/// </summary>
internal static class CallActivityTags
{
    public static void Describe(Activity activity, CallProtocol protocol, uint methodId, SiteIdentity here, SiteIdentity peer)
    {
        if (!activity.IsAllDataRequested) return;
        activity.SetTag("rpc.system", "tessera");
        activity.SetTag("rpc.method", $"0x{methodId:x8}");
        activity.SetTag("tessera.protocol", protocol.Name);
        activity.SetTag("tessera.site", here.ToString());
        activity.SetTag("tessera.peer", peer.ToString());
    }

    /// <summary>The called object's class as <c>rpc.service</c>; home learns it only once the object key is looked up.</summary>
    public static void Service(Activity activity, string? typeName)
    {
        if (typeName is not null && activity.IsAllDataRequested) activity.SetTag("rpc.service", typeName);
    }

    /// <summary>Marks a failed call: the status, and the error's type as <c>error.type</c>.</summary>
    public static void Fail(Activity activity, string errorType, string? description)
    {
        activity.SetStatus(ActivityStatusCode.Error, description);
        if (activity.IsAllDataRequested) activity.SetTag("error.type", errorType);
    }
}
