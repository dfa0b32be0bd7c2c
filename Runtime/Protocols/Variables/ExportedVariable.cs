using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.Logging;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera.Protocols.Variables;

/// <summary>The manager's side of one shared variable, independent of its value type.</summary>
internal interface IExportedVariable
{
    object Variable { get; }

    void OnRegister(PeerConnection proxySite);

    void OnBindRequest(PeerConnection binder, VariableOutcome outcome);
}

/// <summary>
/// The manager of one variable: the sites holding proxies of it, told once of its outcome. Whichever
/// bind determines the variable first (local, or the first request to arrive) wins; the others lose.
/// </summary>
internal sealed class ExportedVariable<T> : IExportedVariable
{
    private readonly VariableTable _table;
    private readonly Dataflow<T> _variable;
    private readonly DataflowCodec<T> _codec;
    private readonly ulong _key;
    private readonly Lock _gate = new();
    private List<PeerConnection>? _proxies = new();

    public ExportedVariable(VariableTable table, Dataflow<T> variable, DataflowCodec<T> codec, ulong key)
    {
        _table = table;
        _variable = variable;
        _codec = codec;
        _key = key;
        variable.Determined.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(Broadcast);
    }

    public object Variable => _variable;

    public void OnRegister(PeerConnection proxySite)
    {
        lock (_gate)
        {
            if (_proxies is not null)
            {
                if (!_proxies.Contains(proxySite)) _proxies.Add(proxySite);
                return;
            }
        }
        // Registered after the broadcast: this site is told on its own.
        _table.Send(proxySite, new VariableBound { Key = _key, Outcome = VariableOutcomes.Of(_table.Site, _variable, _codec) });
    }

    public void OnBindRequest(PeerConnection binder, VariableOutcome outcome)
    {
        if (!VariableOutcomes.Apply(_table.Site, _variable, outcome, _codec, binder.Peer))
            _table.Logger.LogDebug("A bind of variable #{Key:x16} from {Binder} lost: the variable was already determined.", _key, binder.Peer);
    }

    private void Broadcast()
    {
        List<PeerConnection> proxies;
        lock (_gate)
        {
            proxies = _proxies!;
            _proxies = null;
        }
        if (proxies.Count == 0) return;
        foreach (var proxy in proxies)
        {
            // Encoded per site: a value holding references carries weight, and each copy must carry its own.
            if (!proxy.IsClosed) _table.Send(proxy, new VariableBound { Key = _key, Outcome = VariableOutcomes.Of(_table.Site, _variable, _codec) });
        }
    }
}
