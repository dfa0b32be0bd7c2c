using Tessera.Transport;
using Tessera.Transport.InMemory;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>Sites on one in-memory network: fast, and free of port and timing noise.</summary>
internal sealed class SiteHarness : IAsyncDisposable
{
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

    public async ValueTask DisposeAsync()
    {
        foreach (var site in _sites) await site.DisposeAsync();
    }
}
