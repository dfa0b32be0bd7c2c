using Microsoft.Extensions.Logging;
using Tessera.Runtime.Tests.Sites;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>Starts sites whose dials go through a <see cref="LinkTable"/>, so a test can hold, delay or kill their links.</summary>
internal static class LinkedSites
{
    /// <summary>Long enough for a take made during setup on a loaded machine; a take during a partition waits for the heal.</summary>
    public static readonly TimeSpan TakeTimeout = TimeSpan.FromSeconds(5);

    public static Task<Site> StartAsync(SiteHarness harness, LinkTable links, FaultOptions faults, TimeSpan callTimeout, ILoggerFactory? log = null)
        => harness.StartSiteAsync(
            callTimeout: callTimeout,
            wrapTransport: transport => new LinkTransport(transport, links),
            configure: options => options with
            {
                Faults = faults,
                ShutdownTimeout = TimeSpan.FromMilliseconds(250),
                TakeTimeout = TakeTimeout,
                LoggerFactory = log,
            });
}
