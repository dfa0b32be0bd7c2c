using System;

namespace Tessera;

/// <summary>
/// The <see cref="SiteOptions"/> a host can set from configuration (section <c>Tessera</c>, e.g.
/// <c>Tessera:ListenAddress</c>). Logging and time come from the host's services, not from here.
/// </summary>
public sealed class TesseraOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Tessera";

    private static readonly SiteOptions Defaults = new();

    /// <inheritdoc cref="SiteOptions.ListenAddress"/>
    public string ListenAddress { get; set; } = Defaults.ListenAddress;

    /// <inheritdoc cref="SiteOptions.AdvertisedAddresses"/>
    public string[]? AdvertisedAddresses { get; set; }

    /// <inheritdoc cref="SiteOptions.SiteId"/>
    public Guid? SiteId { get; set; }

    /// <inheritdoc cref="SiteOptions.DefaultCallTimeout"/>
    public TimeSpan DefaultCallTimeout { get; set; } = Defaults.DefaultCallTimeout;

    /// <inheritdoc cref="SiteOptions.TakeTimeout"/>
    public TimeSpan TakeTimeout { get; set; } = Defaults.TakeTimeout;

    /// <inheritdoc cref="SiteOptions.ShutdownTimeout"/>
    public TimeSpan ShutdownTimeout { get; set; } = Defaults.ShutdownTimeout;

    /// <inheritdoc cref="SiteOptions.MaxOutstandingAsyncCalls"/>
    public int MaxOutstandingAsyncCalls { get; set; } = Defaults.MaxOutstandingAsyncCalls;

    /// <inheritdoc cref="SiteOptions.MaxWaitingCalls"/>
    public int MaxWaitingCalls { get; set; } = Defaults.MaxWaitingCalls;

    internal SiteOptions ToSiteOptions(Microsoft.Extensions.Logging.ILoggerFactory loggerFactory, TimeProvider timeProvider) => new()
    {
        ListenAddress = ListenAddress,
        AdvertisedAddresses = AdvertisedAddresses,
        SiteId = SiteId,
        DefaultCallTimeout = DefaultCallTimeout,
        TakeTimeout = TakeTimeout,
        ShutdownTimeout = ShutdownTimeout,
        MaxOutstandingAsyncCalls = MaxOutstandingAsyncCalls,
        MaxWaitingCalls = MaxWaitingCalls,
        LoggerFactory = loggerFactory,
        TimeProvider = timeProvider,
    };
}
