using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Tessera.Gc;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Variables;

/// <summary>
/// The manager's side of one shared variable, independent of its value type: its key while other sites refer
/// to it, the weight they hold, its lease, and the proxy sites to tell of its outcome. One per variable, made
/// the first time it is sent while unbound; guarded by the lock of <see cref="VariableExports"/>.
/// </summary>
internal abstract class ExportedVariable(VariableTable table)
{
    public VariableTable Table { get; } = table;

    /// <summary>
    /// 0 while no other site refers to the variable. Each export draws a new key, so weight or a lease renewal
    /// meant for an earlier export can never count for a later one.
    /// </summary>
    public ulong Key { get; private set; }

    public WeightLedger Outstanding { get; private set; } = new();

    /// <summary>A stamp of the site's <see cref="Gc.LeaseClock"/>.</summary>
    public long LeaseExpiry { get; set; }

    /// <summary>Proxy sites to tell of the outcome; null once they were told, and a site that registers later is told at once.</summary>
    public List<PeerConnection>? Registered { get; set; } = new();

    public abstract object Variable { get; }

    public bool IsUnreferenced => Outstanding.IsZero;

    public bool IsLeaseExpired(long now) => now >= LeaseExpiry;

    public void Export(ulong key) => Key = key;

    /// <summary>No other site refers to the variable any more, or none renewed its lease: start afresh.</summary>
    public void Unexport()
    {
        Key = 0;
        Outstanding = new WeightLedger();
        Registered?.Clear();
    }

    public abstract void OnBindRequest(PeerConnection binder, ulong key, VariableOutcome outcome);

    /// <summary>Tells one proxy site the outcome, which is decided.</summary>
    public abstract void Tell(PeerConnection site, ulong key);
}

/// <summary>
/// The manager of one variable. Whichever bind determines the variable first (local, or the first request to
/// arrive) wins; the others lose. Once it is determined every registered proxy site is told.
/// </summary>
internal sealed class ExportedVariable<T> : ExportedVariable
{
    private readonly Dataflow<T> _variable;
    private readonly DataflowCodec<T> _codec;

    public ExportedVariable(VariableTable table, Dataflow<T> variable, DataflowCodec<T> codec)
        : base(table)
    {
        _variable = variable;
        _codec = codec;
        variable.Determined.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(Broadcast);
    }

    public override object Variable => _variable;

    public override void OnBindRequest(PeerConnection binder, ulong key, VariableOutcome outcome)
    {
        bool applied;
        try
        {
            applied = VariableOutcomes.Apply(Table.Site, _variable, outcome, _codec, binder.Peer);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The bound value cannot be rebuilt here. Failing the variable ends every site's wait with the same
            // reason, the binder's too, where leaving it unbound would make the binder wait out its deadline.
            Table.Logger.LogWarning(ex, "A bind of variable #{Key:x16} from {Binder} could not be decoded; the variable fails.", key, binder.Peer);
            applied = _variable.TryFailFromProtocol(new TesseraException($"The value bound to dataflow variable #{key:x16} at {binder.Peer} could not be decoded by its manager: {ex.Message}", ex));
        }
        if (!applied)
            Table.Logger.LogDebug("A bind of variable #{Key:x16} from {Binder} lost: the variable was already determined.", key, binder.Peer);
    }

    // Encoded per site: a value holding references carries weight, and each copy must carry its own.
    public override void Tell(PeerConnection site, ulong key)
    {
        VariableOutcome outcome;
        try
        {
            outcome = VariableOutcomes.Of(Table.Site, _variable, _codec);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The value cannot travel (a reference released meanwhile, a value the codec refuses): the proxy site is
            // told why, so its variable ends instead of waiting for a value that will never come.
            Table.Logger.LogWarning(ex, "The value of variable #{Key:x16} cannot be sent to {Peer}; it is told of the failure instead.", key, site.Peer);
            outcome = VariableOutcomes.Fault(ex);
        }
        Table.SendOutcome(site, key, outcome);
    }

    /// <summary>Runs on the thread pool once the variable is determined: nothing may escape it.</summary>
    private void Broadcast()
    {
        try
        {
            var (key, sites) = Table.Exports.TakeRegistered(this);
            foreach (var site in sites)
            {
                if (!site.IsClosed) Tell(site, key);
            }
        }
        catch (Exception ex)
        {
            Table.Logger.LogError(ex, "Telling the proxy sites of variable #{Key:x16} its outcome failed.", Key);
        }
    }
}
