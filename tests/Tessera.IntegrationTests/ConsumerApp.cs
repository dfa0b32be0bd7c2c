using System.Security;

namespace Tessera.IntegrationTests;

/// <summary>The files of a fresh console app that uses Tessera only through its package.</summary>
internal static class ConsumerApp
{
    /// <summary>Tessera comes from the test's feed alone; everything else from the machine's own sources.</summary>
    public static string NuGetConfig(string feed, IEnumerable<string> otherSources)
    {
        var sources = otherSources.Select((url, i) => $"""    <add key="source{i}" value="{SecurityElement.Escape(url)}" />""");
        var patterns = otherSources.Select((_, i) => $"""    <packageSource key="source{i}"><package pattern="*" /></packageSource>""");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="tessera-test" value="{SecurityElement.Escape(feed)}" />
            {string.Join('\n', sources)}
              </packageSources>
              <packageSourceMapping>
                <packageSource key="tessera-test"><package pattern="Tessera" /></packageSource>
            {string.Join('\n', patterns)}
              </packageSourceMapping>
            </configuration>
            """;
    }

    public const string Program = """
        using Consumer;
        using Tessera;

        if (args is ["offer", var ticketFile])
        {
            await using var site = await Site.StartAsync();
            var tickets = new Greeter("home").Offer(site) + "\n" + Tally.Create().Offer(site);
            File.WriteAllText(ticketFile + ".tmp", tickets);
            File.Move(ticketFile + ".tmp", ticketFile);
            // Serves until the test closes stdin, and never longer than two minutes.
            await Task.WhenAny(Task.Run(Console.In.ReadToEnd), Task.Delay(TimeSpan.FromMinutes(2)));
            return 0;
        }
        if (args is ["take", var file])
        {
            var lines = File.ReadAllLines(file);
            await using var site = await Site.StartAsync();
            var greeter = await Greeter.TakeAsync(site, lines[0]);
            var tally = await Tally.TakeAsync(site, lines[1]);
            Console.WriteLine(greeter.Hello("consumer"));
            tally.Add(2);
            tally.Add(3);
            Console.WriteLine($"tally={tally.Total()} pid={Environment.ProcessId}");
            return 0;
        }
        Console.Error.WriteLine("usage: app offer <ticket-file> | app take <ticket-file>");
        return 2;
        """;

    public const string Greeter = """
        using Tessera;

        namespace Consumer;

        [Stationary]
        public partial class Greeter
        {
            // Breaks TESS0018 on purpose: each site has its own copy of this field.
            private static int s_greetings;

            private readonly string _home;

            public Greeter(string home) => _home = home;

            public virtual string Hello(string name) =>
                $"hello {name} from {_home} #{Interlocked.Increment(ref s_greetings)} pid={Environment.ProcessId}";
        }
        """;

    public const string Tally = """
        using Tessera;

        namespace Consumer;

        [Cached]
        public partial class Tally
        {
            private int _total;

            public virtual void Add(int amount) => _total += amount;

            public virtual int Total() => _total;
        }
        """;
}
