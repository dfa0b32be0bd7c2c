using System;
using System.IO;
using Tessera;
using Tessera.TestHost;

// serve TICKET_FILE [--trace]: offers one Calculator (unlimited ticket), writes the ticket to TICKET_FILE,
// and serves until stdin closes or the process is killed. serve-async TICKET_FILE: the same with a CancellableWorker.
// --trace prints every Tessera activity that ends here (see SpanPrinter).
// increment TICKET N, hold TICKET: roles around a [Cached] object another process offers (see CachedClient).
// churn TICKET N [ENTITIES_PER_MESSAGE], churn-home: take and drop N proxies returned from calls, and their home (see ChurnClient, ChurnHome).
// watch TICKET INTERVAL_MS: calls a Calculator every INTERVAL_MS and reports its fault transitions (see FaultWatcher).
// --listen and --advertise choose the serving address and the one written into the ticket (for a relay in between).
if (args is ["increment", var countedTicket, var count]) return await CachedClient.IncrementAsync(countedTicket, int.Parse(count));
if (args is ["hold", var heldTicket]) return await CachedClient.HoldAsync(heldTicket);
if (args is ["churn", var factoryTicket, var proxies, .. var batch] && batch.Length <= 1) return await ChurnClient.RunAsync(factoryTicket, int.Parse(proxies), batch is [var b] ? int.Parse(b) : null);
if (args is ["churn-home"]) return await ChurnHome.RunAsync();
if (args is ["watch", var watchedTicket, var intervalMs]) return await FaultWatcher.RunAsync(watchedTicket, int.Parse(intervalMs));
var serve = ServeOptions.Parse(args);
if (serve is null)
{
    Console.Error.WriteLine("usage: Tessera.TestHost serve|serve-async TICKET_FILE [--trace] [--listen ADDR] [--advertise ADDR]");
    return 2;
}

using var tracing = serve.Trace ? SpanPrinter.Start() : null;

await using var site = await Site.StartAsync(new SiteOptions
{
    ListenAddress = serve.Listen ?? "127.0.0.1:0",
    AdvertisedAddresses = serve.Advertise is null ? null : [serve.Advertise],
});
var ticket = serve.Async ? CancellableWorker.Create().OfferUnlimited(site) : new Calculator().OfferUnlimited(site);
var temporary = serve.TicketFile + ".tmp";
await File.WriteAllTextAsync(temporary, ticket);
File.Move(temporary, serve.TicketFile, overwrite: true);
Console.Out.WriteLine($"ready {Environment.ProcessId}");
Console.Out.Flush();

using var stdin = Console.OpenStandardInput();
var buffer = new byte[64];
while (await stdin.ReadAsync(buffer) > 0)
{
}
return 0;
