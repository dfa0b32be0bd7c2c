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

    public DateTimeOffset LeaseExpiry { get; set; }

    /// <summary>Proxy sites to tell of the outcome; null once they were told, and a site that registers later is told at once.</summary>
    public List<PeerConnection>? Registered { get; set; } = new();

    public abstract object Variable { get; }

    public bool IsUnreferenced => Outstanding.IsZero;

    public bool IsLeaseExpired(DateTimeOffset now) => now >= LeaseExpiry;

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
        if (!VariableOutcomes.Apply(Table.Site, _variable, outcome, _codec, binder.Peer))
            Table.Logger.LogDebug("A bind of variable #{Key:x16} from {Binder} lost: the variable was already determined.", key, binder.Peer);
    }

    // Encoded per site: a value holding references carries weight, and each copy must carry its own.
    public override void Tell(PeerConnection site, ulong key)
        => Table.Send(site, new VariableBound { Key = key, Outcome = VariableOutcomes.Of(Table.Site, _variable, _codec) });

    private void Broadcast()
    {
        var (key, sites) = Table.Exports.TakeRegistered(this);
        foreach (var site in sites)
        {
            if (!site.IsClosed) Tell(site, key);
        }
    }
}
