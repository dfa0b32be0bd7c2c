using Tessera.Transport.InMemory;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>Sites on one in-memory network: fast, and free of port and timing noise.</summary>
internal sealed class SiteHarness : IAsyncDisposable
{
    private readonly List<Site> _sites = new();

    public InMemoryNetwork Network { get; } = new();

    public async Task<Site> StartSiteAsync(TimeSpan? callTimeout = null, Guid? id = null)
    {
        var site = await Site.StartAsync(new SiteOptions
        {
            ListenAddress = "mem:0",
            Transport = Network.CreateTransport(),
            DefaultCallTimeout = callTimeout ?? TimeSpan.FromSeconds(10),
            SiteId = id,
        });
        _sites.Add(site);
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var site in _sites) await site.DisposeAsync();
    }
}
