namespace Tessera.Wire;

/// <summary>The version spoken in handshakes and written in tickets. Bump on any incompatible change.</summary>
public static class ProtocolVersion
{
    // 2: GC weights in references, variables and take replies, fault-detection messages, trace context on calls.
    public const int Current = 2;
}
