using System;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Tessera;

/// <summary>Registers a Tessera <see cref="Site"/> with the .NET generic host.</summary>
public static class TesseraServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="Site"/> that starts and stops with the host. Options bind from the <c>Tessera</c>
    /// configuration section, then <paramref name="configure"/> runs, so code has the last word. The site logs
    /// through the host's <c>ILoggerFactory</c> and keeps time by the registered <see cref="TimeProvider"/>, if any.
    /// <see cref="Site"/> can be resolved once the host has started.
    /// </summary>
    public static IServiceCollection AddTessera(this IServiceCollection services, Action<TesseraOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // A second call only adds its configure step: one host runs one site.
        var first = !services.Any(descriptor => descriptor.ServiceType == typeof(TesseraSiteService));
        var options = services.AddOptions<TesseraOptions>();
        if (first) options.BindConfiguration(TesseraOptions.SectionName);
        if (configure is not null) options.Configure(configure);
        if (!first) return services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TesseraSiteService>();
        services.AddHostedService(provider => provider.GetRequiredService<TesseraSiteService>());
        services.AddSingleton(provider => provider.GetRequiredService<TesseraSiteService>().Site);
        return services;
    }
}
