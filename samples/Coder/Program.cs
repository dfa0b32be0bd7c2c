using System;
using System.Threading.Tasks;
using Tessera;
using Tessera.Samples.Coder;

await using var site = await Site.StartAsync();
var coder = new Coder(100);
var ticket = coder.Offer(site);
Console.WriteLine(ticket);
await using var other = await Site.StartAsync();
var remote = await Coder.TakeAsync(other, ticket);
for (var i = 0; i < 3; i++) Console.WriteLine(remote.Get());
Console.WriteLine(other.Counters);
