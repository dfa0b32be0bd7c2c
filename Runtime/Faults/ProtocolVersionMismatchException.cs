namespace Tessera;

/// <summary>The other side (a peer in a handshake, or a ticket) speaks a protocol version this site does not.</summary>
public sealed class ProtocolVersionMismatchException : TesseraException
{
    public ProtocolVersionMismatchException(int expected, int actual, string where)
        : base($"{where} uses Tessera protocol version {actual}, but this site speaks version {expected}.")
    {
        Expected = expected;
        Actual = actual;
    }

    public int Expected { get; }

    public int Actual { get; }
}
