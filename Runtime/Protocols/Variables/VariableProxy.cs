using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Gc;
using Tessera.Infrastructure;
using Tessera.Protocols.Migratory;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Variables;

/// <summary>The proxy side of one shared variable, independent of its value type.</summary>
internal interface IImportedVariable
{
    SiteIdentity Manager { get; }

    ImmutableArray<string> Hints { get; }

    ulong Key { get; }

    /// <summary>Whether the proxy let go of its weight: it was determined.</summary>
    bool IsReleased { get; }

    void OnBound(VariableOutcome outcome);

    /// <summary>The manager is permanently failed: the variable can never be bound.</summary>
    void OnManagerFailed(Exception reason);
}

/// <summary>
/// A variable whose manager is another site. A bind here is one request to the manager; this copy is
/// bound only by the manager's answer, so every site ends with the same winner. The proxy holds this site's
/// weight for the variable (docs/gc.md) until it is determined or collected; then the weight goes home.
/// </summary>
internal sealed class VariableProxy<T> : IImportedVariable
{
    private readonly VariableTable _table;
    private readonly DataflowCodec<T> _codec;
    private readonly HeldWeight _weight;

    // The encoded value the manager announced, kept only while a bind from here waits: it won if it sent these bytes.
    private VariableOutcome? _decided;
    private int _requestsWaiting;

    public VariableProxy(VariableTable table, Dataflow<T> variable, SiteIdentity manager, ImmutableArray<string> hints, ulong key, DataflowCodec<T> codec, Credit credit)
    {
        _table = table;
        Variable = variable;
        Manager = manager;
        Hints = hints;
        Key = key;
        _codec = codec;
        _weight = new HeldWeight(credit);
        // The variable's task now refers to this proxy, so whatever keeps the task (a thread blocked on the value,
        // a reachable await) keeps the proxy and its registration too, and the outcome cannot arrive to nobody.
        variable.Determined.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(Release);
    }

    /// <summary>Collected while unbound: nothing here can use the variable any more, so its weight goes home.</summary>
    ~VariableProxy()
    {
        if (_weight.Release() is { } credits) _table.OnProxyReleased(this, credits);
    }

    public Dataflow<T> Variable { get; }

    public SiteIdentity Manager { get; }

    public ImmutableArray<string> Hints { get; }

    public ulong Key { get; }

    public bool IsReleased => _weight.IsReleased;

    /// <summary>Completes once the register message is queued, so a later bind request follows it on the connection.</summary>
    public Task Registered { get; set; } = Task.CompletedTask;

    /// <summary>Weight for a copy about to be sent; null once the proxy let go of it (it is determined, so send the outcome).</summary>
    public Credit? TrySplit() => _weight.TrySplit();

    public bool TryAbsorb(Credit credit) => _weight.TryAbsorb(credit);

    /// <summary>
    /// Sends the bind and blocks until the manager's outcome arrives, bounded by the site's call timeout; true if the
    /// outcome is this bind's value, byte for byte (a decoded copy of an array is never the caller's own object).
    /// </summary>
    public bool RequestBind(Dataflow<T> variable, T value)
        => RequestBindAsync(variable, value, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>As <see cref="RequestBind"/> for a fault: true if the manager's outcome is this fault or an equal one (same type and message).</summary>
    public bool RequestFail(Dataflow<T> variable, Exception error)
        => RequestOutcomeAsync(variable, () => VariableOutcomes.Fault(error), CancellationToken.None).GetAwaiter().GetResult();

    public Task<bool> RequestBindAsync(Dataflow<T> variable, T value, CancellationToken cancellationToken)
        => RequestOutcomeAsync(variable, () => VariableOutcomes.Value(_table.Site, value, _codec), cancellationToken);

    /// <summary>Whether the outcome the manager decided is the one this site sent, as seen by the requests waiting now.</summary>
    private async Task<bool> RequestOutcomeAsync(Dataflow<T> variable, Func<VariableOutcome> encode, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requestsWaiting);
        try
        {
            var sent = await RequestAndWaitAsync(variable, encode, cancellationToken).ConfigureAwait(false);
            return sent is not null && Volatile.Read(ref _decided) is { } decided && IsSame(decided, sent);
        }
        finally
        {
            if (Interlocked.Decrement(ref _requestsWaiting) == 0) Volatile.Write(ref _decided, null);
        }
    }

    private static bool IsSame(VariableOutcome decided, VariableOutcome sent)
        => decided.IsFault == sent.IsFault && (decided.IsFault
            ? decided.FaultType == sent.FaultType && decided.FaultMessage == sent.FaultMessage
            : decided.Value.AsSpan().SequenceEqual(sent.Value));

    public void OnBound(VariableOutcome outcome)
    {
        if (Volatile.Read(ref _requestsWaiting) > 0) Volatile.Write(ref _decided, outcome);
        try
        {
            VariableOutcomes.Apply(_table.Site, Variable, outcome, _codec, Manager);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // This site cannot rebuild the value (a reference to an object its home no longer has, bytes it cannot
            // read): the variable ends here with why, rather than stay unbound, and the connection stays up.
            Variable.TryFailFromProtocol(new TesseraException($"The value of dataflow variable #{Key:x16} from {Manager} could not be decoded here: {ex.Message}", ex));
        }
    }

    public void OnManagerFailed(Exception reason) => Variable.TryFailFromProtocol(reason);

    /// <summary>Determined: a determined variable travels as its outcome and needs its manager no more.</summary>
    private void Release()
    {
        if (_weight.Release() is not { } credits) return;
        GC.SuppressFinalize(this);
        _table.OnProxyReleased(this, credits);
    }

    /// <summary>
    /// Sends the request, then waits for the variable itself: its outcome comes from the connection's reader, never
    /// from the waiting thread, so blocking on this cannot deadlock. Returns the outcome last sent, or null if none was.
    /// The outcome is encoded per send: a value holding references carries weight, and a resent copy must carry its own.
    /// </summary>
    private async Task<VariableOutcome?> RequestAndWaitAsync(Dataflow<T> variable, Func<VariableOutcome> encode, CancellationToken cancellationToken)
    {
        var options = _table.Site.Options;
        using var deadline = new CancellationTokenSource(options.DefaultCallTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        VariableOutcome? sent = null;
        VariableOutcome? unsent = null;
        try
        {
            await Registered.WaitAsync(linked.Token).ConfigureAwait(false);
            while (!variable.IsDetermined)
            {
                // Outside the retry: a value that cannot be encoded here is the caller's error, not a lost connection.
                // Kept until it is queued, so a copy that never left does not split off more weight.
                unsent ??= encode();
                PeerConnection connection;
                try
                {
                    connection = await _table.Site.Connections.GetAsync(Manager, Hints, linked.Token).ConfigureAwait(false);
                    await connection.SendAsync(new VariableBind { Key = Key, Outcome = unsent }, linked.Token).ConfigureAwait(false);
                    (sent, unsent) = (unsent, null);
                }
                catch (TesseraException ex) when (ex is not FrameTooLargeException && _table.Site.Health.StateOf(Manager) != FaultState.PermFail)
                {
                    // No connection, or it dropped under the send: the manager is not lost yet, so wait for it (to the
                    // deadline). A bind sent before may have arrived, so its outcome may be on its way too.
                    await PeerWait.ChangeOrRetryAsync(_table.Site, Manager, linked.Token).ConfigureAwait(false);
                    continue;
                }
                // A bind lost with its connection is sent again on the next one. If the first did arrive, the copy
                // finds the variable determined and changes nothing: the outcome comes as for any other bind.
                await Task.WhenAny(variable.Determined, connection.Completion).WaitAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DataflowTimeoutException(options.DefaultCallTimeout);
        }
        catch (Exception) when (variable.IsFaulted)
        {
            // The caller compares the outcome with what it tried to bind and reports any conflict.
        }
        return sent;
    }
}
