using Tessera.Runtime.Tests.Sites;
using Tessera.Transport;

namespace Tessera.Runtime.Tests.Diagnostics;

/// <summary>The setup most telemetry tests share: a home site offering a Greeter, and a caller site holding its proxy.</summary>
internal sealed class GreeterSites : IAsyncDisposable
{
    private readonly SiteHarness _harness;

    private GreeterSites(SiteHarness harness, Site home, Site caller, Greeter greeter)
    {
        _harness = harness;
        Home = home;
        Caller = caller;
        Greeter = greeter;
    }

    public Site Home { get; }

    public Site Caller { get; }

    /// <summary>The caller's proxy of home's Greeter.</summary>
    public Greeter Greeter { get; }

    public static async Task<GreeterSites> StartAsync(TimeSpan? callTimeout = null, Func<ITransport, ITransport>? wrapCallerTransport = null)
    {
        var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync(callTimeout, wrapTransport: wrapCallerTransport);
        return new GreeterSites(harness, home, caller, await Greeter.TakeAsync(caller, new Greeter().Offer(home)));
    }

    /// <summary>A new [Async] Sequencer at home, as the caller's reference.</summary>
    public Task<Sequencer.Ref> SequencerAsync() => Sequencer.TakeAsync(Caller, Sequencer.Create().Offer(Home));

    public ValueTask DisposeAsync() => _harness.DisposeAsync();
}
