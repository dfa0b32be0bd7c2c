using System.Diagnostics;
using Tessera.Diagnostics;
using Xunit;

namespace Tessera.Runtime.Tests.Diagnostics;

public sealed class TraceContextCodecTests
{
    [Fact]
    public void No_activity_means_nothing_on_the_wire() => Assert.Null(TraceContextCodec.Encode(null));

    [Fact]
    public void A_context_survives_the_wire_with_its_flags_and_tracestate()
    {
        using var activity = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        activity.TraceStateString = "vendor=opaque,other=1";
        activity.Start();

        var bytes = TraceContextCodec.Encode(activity);

        Assert.NotNull(bytes);
        Assert.Equal(26 + "vendor=opaque,other=1".Length, bytes.Length);
        Assert.True(TraceContextCodec.TryDecode(bytes, out var context));
        Assert.Equal(activity.TraceId, context.TraceId);
        Assert.Equal(activity.SpanId, context.SpanId);
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.Equal("vendor=opaque,other=1", context.TraceState);
        Assert.True(context.IsRemote);
    }

    [Fact]
    public void A_context_without_tracestate_is_26_bytes()
    {
        using var activity = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();

        var bytes = TraceContextCodec.Encode(activity);

        Assert.Equal(26, bytes!.Length);
        Assert.True(TraceContextCodec.TryDecode(bytes, out var context));
        Assert.Null(context.TraceState);
        Assert.Equal(ActivityTraceFlags.None, context.TraceFlags);
    }

    [Fact]
    public void Hierarchical_ids_are_not_propagated()
    {
        using var activity = new Activity("legacy").SetIdFormat(ActivityIdFormat.Hierarchical).Start();

        Assert.Null(TraceContextCodec.Encode(activity));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    public void Short_context_from_a_peer_is_ignored(int length)
    {
        Assert.False(TraceContextCodec.TryDecode(new byte[length], out var context));
        Assert.Equal(default, context);
    }

    [Fact]
    public void Unknown_version_or_zero_ids_are_ignored()
    {
        using var activity = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        var valid = TraceContextCodec.Encode(activity)!;

        var otherVersion = (byte[])valid.Clone();
        otherVersion[0] = 1;
        var zeroTrace = (byte[])valid.Clone();
        Array.Clear(zeroTrace, 1, 16);
        var zeroSpan = (byte[])valid.Clone();
        Array.Clear(zeroSpan, 17, 8);

        Assert.False(TraceContextCodec.TryDecode(otherVersion, out _));
        Assert.False(TraceContextCodec.TryDecode(zeroTrace, out _));
        Assert.False(TraceContextCodec.TryDecode(zeroSpan, out _));
        Assert.False(TraceContextCodec.TryDecode(null, out _));
    }

    [Fact]
    public void Oversized_tracestate_is_dropped_but_the_parent_is_kept()
    {
        using var activity = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        var bytes = TraceContextCodec.Encode(activity)!.Concat(new byte[513]).ToArray();

        Assert.True(TraceContextCodec.TryDecode(bytes, out var context));
        Assert.Equal(activity.SpanId, context.SpanId);
        Assert.Null(context.TraceState);
    }
}
