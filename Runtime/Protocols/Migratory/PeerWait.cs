using System;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera.Protocols.Migratory;

/// <summary>The pause between two tries to reach a peer: until its health changes (back, or gone for good), or the redial interval at most.</summary>
internal static class PeerWait
{
    public static async Task ChangeOrRetryAsync(Site site, SiteIdentity peer, CancellationToken cancellationToken)
    {
        try
        {
            await site.Health.Get(peer).NextChange.WaitAsync(site.Options.Faults.ReconnectInterval, site.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }
}
