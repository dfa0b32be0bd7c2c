using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tessera;

/// <summary>The hosted service that starts the host's <see cref="Site"/> with the host and stops it with the host.</summary>
internal sealed class TesseraSiteService(IOptions<TesseraOptions> options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    : IHostedService, IAsyncDisposable
{
    private Site? _site;

    public Site Site => Volatile.Read(ref _site) ?? throw new TesseraException(
        "The Tessera site starts with the host: resolve Site after the host has started, for example in the StartAsync of a hosted service registered after AddTessera.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var site = await Site.StartAsync(options.Value.ToSiteOptions(loggerFactory, timeProvider), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _site, site);
    }

    // Site.StopAsync bounds its own wait by SiteOptions.ShutdownTimeout, so the host's token is not needed here.
    public Task StopAsync(CancellationToken cancellationToken) => Volatile.Read(ref _site)?.StopAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _site) is { } site) await site.DisposeAsync().ConfigureAwait(false);
    }
}
