using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Transport.Tcp;

/// <summary>Reads and writes the "host:port" strings that name TCP endpoints ("[::1]:port" for IPv6).</summary>
internal static class TcpAddress
{
    public static bool TryParse(string address, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = address.LastIndexOf(':');
        if (colon <= 0) return false;
        if (!int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port > IPEndPoint.MaxPort)
        {
            return false;
        }

        var hostPart = address.AsSpan(0, colon);
        if (hostPart.StartsWith("[") && hostPart.EndsWith("]"))
        {
            host = hostPart[1..^1].ToString();
            return IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // A bare IPv6 address has colons of its own, so its port would be ambiguous.
        if (hostPart.Contains(':')) return false;
        host = hostPart.ToString();
        return true;
    }

    /// <summary>The addresses <paramref name="host"/> stands for: itself when it is a literal, else what DNS says.</summary>
    public static async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        return addresses;
    }

    public static string Format(IPEndPoint endPoint) => endPoint.ToString();
}
