using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Stationary;

/// <summary>
/// The proxy side of the stationary protocol: a call is one CallRequest and one CallReply (or
/// CallFault). Every call ends by its deadline; a dropped connection fails it at once.
/// </summary>
internal sealed class StationaryCaller
{
    private readonly ConnectionTable _connections;
    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultTimeout;

    public StationaryCaller(ConnectionTable connections, TimeProvider time, TimeSpan defaultTimeout)
    {
        _connections = connections;
        _time = time;
        _defaultTimeout = defaultTimeout;
    }

    public async Task<byte[]> CallAsync(ProxyHandle handle, uint methodId, byte[] arguments, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        using var deadline = new CancellationTokenSource(_defaultTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        PeerConnection? connection = null;
        PendingRequest request = default;
        try
        {
            connection = await _connections.GetAsync(handle.Home, handle.EndpointHints, linked.Token).ConfigureAwait(false);
            request = await connection.BeginRequestAsync(id => Request(handle, methodId, arguments, id), linked.Token).ConfigureAwait(false);
            using (linked.Token.UnsafeRegister(static state => ((TaskCompletionSource<WireMessage>)state!).TrySetCanceled(), request.Completion))
            {
                return Result(await request.Reply.ConfigureAwait(false), handle, methodId);
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            Abandon(connection, request.Id);
            throw new CallTimeoutException($"Call 0x{methodId:x8} on {handle}", _defaultTimeout, ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abandon(connection, request.Id);
            throw;
        }
        finally
        {
            connection?.EndRequest(request.Id);
            TesseraMetrics.CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>
    /// The blocking form. It waits on the reply slot itself rather than on an async method, so the
    /// wake-up comes straight from the connection's reader and needs no spare thread-pool thread.
    /// </summary>
    public byte[] Call(ProxyHandle handle, uint methodId, byte[] arguments, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        using var deadline = new CancellationTokenSource(_defaultTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        PeerConnection? connection = null;
        PendingRequest request = default;
        try
        {
            connection = Block(_connections.GetAsync(handle.Home, handle.EndpointHints, linked.Token));
            request = Block(connection.BeginRequestAsync(id => Request(handle, methodId, arguments, id), linked.Token));
            try
            {
                request.Reply.Wait(linked.Token);
            }
            catch (AggregateException)
            {
                // The reply's own exception is rethrown unwrapped just below.
            }
            return Result(request.Reply.GetAwaiter().GetResult(), handle, methodId);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            Abandon(connection, request.Id);
            throw new CallTimeoutException($"Call 0x{methodId:x8} on {handle}", _defaultTimeout, ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abandon(connection, request.Id);
            throw;
        }
        finally
        {
            connection?.EndRequest(request.Id);
            TesseraMetrics.CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static T Block<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private CallRequest Request(ProxyHandle handle, uint methodId, byte[] arguments, long id) => new()
    {
        CallId = id,
        ObjectKey = handle.ObjectKey,
        MethodId = methodId,
        TimeoutMilliseconds = (long)_defaultTimeout.TotalMilliseconds,
        Arguments = arguments,
    };

    private static byte[] Result(WireMessage reply, ProxyHandle handle, uint methodId) => reply switch
    {
        CallReply result => result.Result,
        CallFault fault => throw ToException(fault, handle, methodId),
        _ => throw new ProtocolViolationException($"Site {handle.Home} answered a call with {reply.Kind}."),
    };

    /// <summary>Tells home the caller gave up, so a method that honours its token can stop.</summary>
    private static void Abandon(PeerConnection? connection, long callId)
    {
        if (connection is null || callId == 0 || connection.IsClosed) return;
        _ = SendCancelAsync(connection, callId);
    }

    private static async Task SendCancelAsync(PeerConnection connection, long callId)
    {
        try
        {
            await connection.SendAsync(new CancelCall { CallId = callId }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TesseraException)
        {
        }
    }

    private static Exception ToException(CallFault fault, ProxyHandle handle, uint methodId) => fault.Code switch
    {
        CallFaultCode.MethodThrew => new RemoteException(fault.ExceptionType, fault.Message, fault.StackTrace, $"{handle.Type.TypeName} method 0x{methodId:x8}", handle.Home),
        CallFaultCode.UnknownObject => new EntityNotFoundException($"Site {handle.Home} no longer has {handle.Type.TypeName}#{handle.ObjectKey:x16}: {fault.Message}"),
        CallFaultCode.UnknownMethod => new UnknownMethodException(handle.Type.TypeName, methodId),
        CallFaultCode.Cancelled => new OperationCanceledException($"Site {handle.Home} cancelled the call: {fault.Message}"),
        _ => new ProtocolViolationException($"Site {handle.Home} rejected the call ({fault.Code}): {fault.Message}"),
    };
}
