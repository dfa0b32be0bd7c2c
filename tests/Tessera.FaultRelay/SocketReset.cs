using System.Net.Sockets;

namespace Tessera.FaultInjection;

/// <summary>Abortive close: the peer gets an RST, as it would from a crashed host, not an orderly FIN.</summary>
internal static class SocketReset
{
    public static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Never connected or already closed: there is no peer left to tell.
        }
        socket.Close(0);
    }
}
