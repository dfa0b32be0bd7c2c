namespace Tessera;

/// <summary>A frame exceeded the configured limit; the connection that carried it is closed.</summary>
public sealed class FrameTooLargeException : TesseraException
{
    public FrameTooLargeException(long frameSize, int limit)
        : base($"A frame of {frameSize} bytes exceeds the limit of {limit} bytes; the connection was closed.")
    {
        FrameSize = frameSize;
        Limit = limit;
    }

    public long FrameSize { get; }

    public int Limit { get; }
}
