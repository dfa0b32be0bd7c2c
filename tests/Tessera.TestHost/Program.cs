using System;
using System.IO;
using Tessera;
using Tessera.TestHost;

// serve TICKET_FILE: offers one Calculator (unlimited ticket), writes the ticket to TICKET_FILE,
// and serves until stdin closes or the process is killed. serve-async TICKET_FILE: the same with a CancellableWorker.
// increment TICKET N, hold TICKET: roles around a [Cached] object another process offers (see CachedClient).
// churn TICKET N: takes and drops N proxies returned from calls (see ChurnClient).
if (args is ["increment", var countedTicket, var count]) return await CachedClient.IncrementAsync(countedTicket, int.Parse(count));
if (args is ["hold", var heldTicket]) return await CachedClient.HoldAsync(heldTicket);
if (args is ["churn", var factoryTicket, var proxies]) return await ChurnClient.RunAsync(factoryTicket, int.Parse(proxies));
if (args.Length != 2 || args[0] is not ("serve" or "serve-async"))
{
    Console.Error.WriteLine("usage: Tessera.TestHost serve|serve-async TICKET_FILE");
    return 2;
}

await using var site = await Site.StartAsync();
var ticket = args[0] == "serve" ? new Calculator().OfferUnlimited(site) : CancellableWorker.Create().OfferUnlimited(site);
var temporary = args[1] + ".tmp";
await File.WriteAllTextAsync(temporary, ticket);
File.Move(temporary, args[1], overwrite: true);
Console.Out.WriteLine($"ready {Environment.ProcessId}");
Console.Out.Flush();

using var stdin = Console.OpenStandardInput();
var buffer = new byte[64];
while (await stdin.ReadAsync(buffer) > 0)
{
}
return 0;
