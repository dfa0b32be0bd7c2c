using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Tessera.Infrastructure;
using Tessera.Sites;
using Tessera.Wire;

namespace Tessera;

/// <summary>
/// <see cref="Faults.KillAsync"/>: a holder asks the home (one <see cref="KillEntity"/>); the home marks the
/// object killed, refuses every later operation on it, and tells each connected site (one
/// <see cref="EntityKilled"/> each). Best effort: a site not connected at that moment learns it on its next call.
/// </summary>
internal sealed class KillProtocol
{
    // A local object does not know which site exports it, so a local kill asks every running site.
    private static readonly ConcurrentDictionary<KillProtocol, byte> Running = new();
    private readonly Site _site;
    private readonly ILogger _logger;

    public KillProtocol(Site site, ILogger logger)
    {
        _site = site;
        _logger = logger;
        Running[this] = 0;
    }

    public static bool IsKilled(object target) => EntityFaultCell.FindLocal(target)?.Final == FaultState.PermFail;

    public static Task KillLocal(object target)
    {
        if (!EntityFaultCell.ForLocal(target).TrySetFinal(FaultState.PermFail, "killed at its home")) return Task.CompletedTask;
        foreach (var protocol in Running.Keys) protocol.Announce(target);
        return Task.CompletedTask;
    }

    public async Task KillRemoteAsync(ProxyHandle handle, CancellationToken cancellationToken)
    {
        handle.Fault.TrySetFinal(FaultState.PermFail, "killed from this site");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_site.Options.TransportOptions.ConnectTimeout);
        try
        {
            var connection = await _site.Connections.GetAsync(handle.Home, handle.EndpointHints, deadline.Token).ConfigureAwait(false);
            await connection.SendAsync(new KillEntity { ObjectKey = handle.ObjectKey }, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TesseraException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _logger.LogInformation("Could not tell the home of {Entity} it was killed ({Reason}); its other holders learn it when they next reach the home.", handle, ex.Message);
        }
    }

    public void OnKill(PeerConnection connection, KillEntity kill)
    {
        if (!_site.References.TryGetExport(kill.ObjectKey, out var entity)) return;
        _logger.LogInformation("Site {Peer} killed {Type} #{Key:x16}.", connection.Peer, entity.Type.TypeName, kill.ObjectKey);
        _ = KillLocal(entity.Target);
    }

    public void OnKilled(PeerConnection connection, EntityKilled killed)
    {
        if (_site.References.FindImport(connection.Peer, killed.ObjectKey) is { } proxy)
            ReferenceTable.HandleOf(proxy)?.Fault.TrySetFinal(FaultState.PermFail, "killed at its home");
    }

    public void Stop() => Running.TryRemove(this, out _);

    private void Announce(object target)
    {
        if (!_site.References.TryGetKey(target, out var key)) return;
        foreach (var connection in _site.Connections.Established()) connection.Post(new EntityKilled { ObjectKey = key });
    }
}
