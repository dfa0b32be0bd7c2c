using System;
using System.IO;
using Tessera;
using Tessera.TestHost;

// serve TICKET_FILE: offers one Calculator (unlimited ticket), writes the ticket to TICKET_FILE,
// and serves until stdin closes or the process is killed.
// increment TICKET N, hold TICKET: roles around a [Cached] object another process offers (see CachedClient).
if (args is ["increment", var countedTicket, var count]) return await CachedClient.IncrementAsync(countedTicket, int.Parse(count));
if (args is ["hold", var heldTicket]) return await CachedClient.HoldAsync(heldTicket);
if (args.Length != 2 || args[0] != "serve")
{
    Console.Error.WriteLine("usage: Tessera.TestHost serve TICKET_FILE");
    return 2;
}

await using var site = await Site.StartAsync();
var ticket = new Calculator().OfferUnlimited(site);
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
