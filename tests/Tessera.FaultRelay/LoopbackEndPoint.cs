using System.Net;

namespace Tessera.FaultInjection;

/// <summary>Parses the upstream address, which must be on this machine: the relay is a test tool, never a proxy to elsewhere.</summary>
internal static class LoopbackEndPoint
{
    private const string Localhost = "localhost:";

    public static IPEndPoint Parse(string hostPort, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(hostPort, parameterName);
        var literal = hostPort.StartsWith(Localhost, StringComparison.OrdinalIgnoreCase)
            ? "127.0.0.1:" + hostPort[Localhost.Length..]
            : hostPort;
        if (!IPEndPoint.TryParse(literal, out var endPoint) || endPoint.Port == 0)
            throw new ArgumentException($"'{hostPort}' is not an address of the form 127.0.0.1:port.", parameterName);
        if (!IPAddress.IsLoopback(endPoint.Address))
            throw new ArgumentException($"The relay forwards only to loopback addresses, not to '{hostPort}'.", parameterName);
        return endPoint;
    }
}
