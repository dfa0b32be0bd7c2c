using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.TestHost;
using Xunit;

namespace Tessera.IntegrationTests;

public sealed class HostingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Host_with_AddTessera_starts_a_configured_site_serves_a_ticket_and_stops_it()
    {
        using var cancellation = new CancellationTokenSource(Timeout);
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tessera:ListenAddress"] = "127.0.0.1:0",
            ["Tessera:DefaultCallTimeout"] = "00:00:07",
        });
        builder.Logging.AddProvider(logs);
        builder.Services.AddTessera(options => options.TakeTimeout = TimeSpan.FromSeconds(9));
        using var host = builder.Build();

        await host.StartAsync(cancellation.Token);
        var site = host.Services.GetRequiredService<Site>();
        var options = host.Services.GetRequiredService<IOptions<TesseraOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(7), options.DefaultCallTimeout);
        Assert.Equal(TimeSpan.FromSeconds(9), options.TakeTimeout);
        Assert.StartsWith("127.0.0.1:", site.Address);

        var ticket = new Calculator().Offer(site);
        await using (var client = await Site.StartAsync(cancellationToken: cancellation.Token))
        {
            var calculator = await Calculator.TakeAsync(client, ticket, cancellation.Token);
            Assert.Equal(5, calculator.Add(2, 3));

            await host.StopAsync(cancellation.Token);
            Assert.Throws<ObjectDisposedException>(() => new Calculator().Offer(site));
            Assert.ThrowsAny<TesseraException>(() => calculator.Add(1, 1));
        }

        Assert.Contains(logs.Messages, message => message.Contains($"listening on {site.Address}", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, message => message.Contains(ticket, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Site_cannot_be_resolved_before_the_host_starts()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddTessera();
        using var host = builder.Build();

        var error = Assert.Throws<TesseraException>(() => host.Services.GetRequiredService<Site>());
        Assert.Contains("starts with the host", error.Message);
        await host.StopAsync(CancellationToken.None);
    }
}
