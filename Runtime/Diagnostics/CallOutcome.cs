using System;
using System.Collections.Generic;

namespace Tessera.Diagnostics;

/// <summary>
/// The <c>outcome</c> tag of a call: a handful of fixed values, so a dashboard can group by it without the
/// cardinality of exception types (those go on the activity as <c>error.type</c>).
/// </summary>
internal static class CallOutcome
{
    private static readonly KeyValuePair<string, object?> Ok = new("outcome", "ok");
    private static readonly KeyValuePair<string, object?> RemoteError = new("outcome", "remote_exception");
    private static readonly KeyValuePair<string, object?> Timeout = new("outcome", "timeout");
    private static readonly KeyValuePair<string, object?> Cancelled = new("outcome", "cancelled");
    private static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");

    /// <summary><c>ok</c>; <c>remote_exception</c> when the method threw at home; <c>timeout</c>; <c>cancelled</c>; otherwise <c>failed</c>.</summary>
    public static KeyValuePair<string, object?> Of(Exception? error) => error switch
    {
        null => Ok,
        RemoteException => RemoteError,
        CallTimeoutException => Timeout,
        OperationCanceledException => Cancelled,
        _ => Failed,
    };
}
