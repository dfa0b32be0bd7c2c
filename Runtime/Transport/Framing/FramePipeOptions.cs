using System;
using System.IO.Pipelines;

namespace Tessera.Transport.Framing;

/// <summary>Pipe settings that keep framed connections both bounded and deadlock-free.</summary>
internal static class FramePipeOptions
{
    private const long DefaultPauseThreshold = 64 * 1024;

    /// <summary>
    /// Options for a pipe that a frame reader consumes. The reader only consumes whole frames, so if the
    /// pipe paused its writer before one whole frame fit, neither side could ever move again; the pause
    /// threshold therefore always admits the largest legal frame with its prefix.
    /// </summary>
    public static PipeOptions ForInbound(TransportOptions options)
    {
        long pause = Math.Max(DefaultPauseThreshold, (long)options.MaxFrameSize + FrameParser.HeaderSize);
        return new PipeOptions(
            pauseWriterThreshold: pause,
            resumeWriterThreshold: pause / 2,
            useSynchronizationContext: false);
    }

    /// <summary>Options for a pipe that a frame writer fills; the writer flushes per batch, so defaults suffice.</summary>
    public static PipeOptions ForOutbound() => new(useSynchronizationContext: false);
}
