namespace Tessera.Wire;

/// <summary>The version spoken in handshakes and written in tickets. Bump on any incompatible change.</summary>
public static class ProtocolVersion
{
    public const int Current = 1;
}
