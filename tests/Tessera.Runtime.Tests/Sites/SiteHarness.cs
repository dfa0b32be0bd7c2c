using Tessera.Transport;
using Tessera.Transport.InMemory;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>Sites on one in-memory network: fast, and free of port and timing noise.</summary>
internal sealed class SiteHarness : IAsyncDisposable
{
    /// <summary>How long stopping every site may take: each site's own shutdown timeout is far shorter, so only a hang reaches it.</summary>
    public static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(10);

    private readonly List<Site> _sites = new();

    public InMemoryNetwork Network { get; } = new();

    /// <summary>Every site started so far, in order.</summary>
    public IReadOnlyList<Site> Sites => _sites;

    public async Task<Site> StartSiteAsync(TimeSpan? callTimeout = null, Guid? id = null, TransportOptions? transportOptions = null, Func<ITransport, ITransport>? wrapTransport = null, Func<SiteOptions, SiteOptions>? configure = null)
    {
        var transport = Network.CreateTransport(transportOptions);
        var options = new SiteOptions
        {
            ListenAddress = "mem:0",
            Transport = wrapTransport is null ? transport : wrapTransport(transport),
            TransportOptions = transportOptions ?? new TransportOptions(),
            DefaultCallTimeout = callTimeout ?? TimeSpan.FromSeconds(10),
            SiteId = id,
        };
        var site = await Site.StartAsync(configure is null ? options : configure(options));
        _sites.Add(site);
        return site;
    }

    /// <summary>Stops the sites in order; a site that hangs while stopping fails the test instead of hanging it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopInOrderAsync().WaitAsync(StopDeadline);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The sites did not stop within {StopDeadline.TotalSeconds:0} s: one hangs while stopping.", ex);
        }
    }

    private async Task StopInOrderAsync()
    {
        foreach (var site in _sites) await site.DisposeAsync();
    }
}
