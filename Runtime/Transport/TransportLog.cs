using System;
using Microsoft.Extensions.Logging;

namespace Tessera.Transport;

/// <summary>Every log line the transports write. Frame contents never appear here.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Listening on {Address}.")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Accepted a connection from {RemoteAddress}.")]
    public static partial void Accepted(ILogger logger, string remoteAddress);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Connected to {RemoteAddress}.")]
    public static partial void Connected(ILogger logger, string remoteAddress);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Could not connect to {Address}.")]
    public static partial void ConnectFailed(ILogger logger, string address, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "The connection to {RemoteAddress} closed.")]
    public static partial void Closed(ILogger logger, string remoteAddress, Exception? reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Closing the connection to {RemoteAddress} after a protocol error.")]
    public static partial void ProtocolError(ILogger logger, string remoteAddress, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "The accept handler failed for the connection from {RemoteAddress}.")]
    public static partial void AcceptHandlerFailed(ILogger logger, string remoteAddress, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "The frame sink threw from OnClosed for {RemoteAddress}.")]
    public static partial void SinkClosedFailed(ILogger logger, string remoteAddress, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Stopped listening on {Address}.")]
    public static partial void StoppedListening(ILogger logger, string address);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "The listener on {Address} failed.")]
    public static partial void ListenerFailed(ILogger logger, string address, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Refused a connection from {RemoteAddress}: its TLS handshake failed.")]
    public static partial void TlsRefused(ILogger logger, string remoteAddress, Exception exception);
}
