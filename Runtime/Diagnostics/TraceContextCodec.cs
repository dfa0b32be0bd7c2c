using System;
using System.Diagnostics;
using System.Text;

namespace Tessera.Diagnostics;

/// <summary>
/// W3C trace context (traceparent and tracestate) as the bytes a call carries: version 0, 16 bytes of trace id,
/// 8 of parent span id, 1 of trace flags, then the tracestate in UTF-8 (possibly none). Calls nobody traces
/// carry null, which costs the message four bytes.
/// </summary>
internal static class TraceContextCodec
{
    private const byte Version = 0;
    private const int TraceIdOffset = 1;
    private const int SpanIdOffset = TraceIdOffset + 16;
    private const int FlagsOffset = SpanIdOffset + 8;
    private const int FixedLength = FlagsOffset + 1;

    // W3C's own limit for tracestate; a longer one from a peer is dropped rather than trusted.
    private const int MaxTraceStateBytes = 512;

    /// <summary>The context of <paramref name="activity"/>, or null when there is none to propagate.</summary>
    public static byte[]? Encode(Activity? activity)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C) return null;
        var state = activity.TraceStateString;
        var stateLength = string.IsNullOrEmpty(state) ? 0 : Encoding.UTF8.GetByteCount(state);
        if (stateLength > MaxTraceStateBytes) stateLength = 0;
        var bytes = new byte[FixedLength + stateLength];
        bytes[0] = Version;
        activity.TraceId.CopyTo(bytes.AsSpan(TraceIdOffset, 16));
        activity.SpanId.CopyTo(bytes.AsSpan(SpanIdOffset, 8));
        bytes[FlagsOffset] = (byte)activity.ActivityTraceFlags;
        if (stateLength > 0) Encoding.UTF8.GetBytes(state, bytes.AsSpan(FixedLength));
        return bytes;
    }

    /// <summary>
    /// The caller's context, marked remote. Bytes from a peer are untrusted: anything malformed (another version,
    /// too short, all-zero ids) yields no parent, so the call starts a trace of its own instead of failing.
    /// </summary>
    public static bool TryDecode(byte[]? bytes, out ActivityContext context)
    {
        context = default;
        if (bytes is null || bytes.Length < FixedLength || bytes[0] != Version) return false;
        var traceId = bytes.AsSpan(TraceIdOffset, 16);
        var spanId = bytes.AsSpan(SpanIdOffset, 8);
        if (!traceId.ContainsAnyExcept((byte)0) || !spanId.ContainsAnyExcept((byte)0)) return false;
        var stateBytes = bytes.AsSpan(FixedLength);
        var state = stateBytes.Length is > 0 and <= MaxTraceStateBytes ? Encoding.UTF8.GetString(stateBytes) : null;
        // Version 0 defines only the sampled bit; the others are ignored, as W3C asks.
        context = new ActivityContext(ActivityTraceId.CreateFromBytes(traceId), ActivitySpanId.CreateFromBytes(spanId), (ActivityTraceFlags)(bytes[FlagsOffset] & 1), state, isRemote: true);
        return true;
    }
}
