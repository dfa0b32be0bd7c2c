namespace Tessera.FaultInjection;

/// <summary>
/// The relay from a terminal, for watching faults by hand:
/// <c>dotnet run --project tests/Tessera.FaultRelay -- 127.0.0.1:5000</c>, then one command a line on stdin.
/// </summary>
internal static class RelayCommandLine
{
    private const string Commands = "blackhole | restore | delay MS | cut | refuse on|off | stats | quit";

    /// <summary>Runs until quit, the end of input, or the relay stopping by itself. Returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextReader input, TextWriter output)
    {
        if (args.Count != 1)
        {
            await output.WriteLineAsync($"usage: Tessera.FaultRelay 127.0.0.1:UPSTREAM_PORT, then one command a line: {Commands}");
            return 2;
        }
        FaultRelay relay;
        try
        {
            relay = await FaultRelay.StartAsync(args[0]);
        }
        catch (ArgumentException e)
        {
            await output.WriteLineAsync(e.Message);
            return 2;
        }
        await using (relay)
        {
            await output.WriteLineAsync($"listening {relay.ListenAddress} -> {relay.UpstreamAddress}");
            while (true)
            {
                // Bounded by the relay's own lifetime: a relay that stops by itself ends the session too.
                var reading = input.ReadLineAsync();
                if (await Task.WhenAny(reading, relay.Completion) != reading)
                {
                    await output.WriteLineAsync("stopped: lifetime or traffic limit reached");
                    return 1;
                }
                var line = await reading;
                if (line is null || line.Trim() == "quit") return 0;
                await output.WriteLineAsync(Execute(relay, line));
            }
        }
    }

    /// <summary>Applies one command and says what happened.</summary>
    internal static string Execute(FaultRelay relay, string line)
    {
        switch (line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            case ["blackhole"]:
                relay.Blackhole();
                return "ok";
            case ["restore"]:
                relay.Restore();
                return "ok";
            case ["delay", var text] when int.TryParse(text, out var milliseconds):
                try
                {
                    relay.Delay(TimeSpan.FromMilliseconds(milliseconds));
                    return "ok";
                }
                catch (ArgumentOutOfRangeException)
                {
                    return "the delay must be from 0 up to the relay's lifetime";
                }
            case ["cut"]:
                relay.CutAll();
                return "ok";
            case ["refuse", var state] when state is "on" or "off":
                relay.RefuseNew(state == "on");
                return "ok";
            case ["stats"]:
                var counters = relay.Counters;
                return $"active={relay.ActiveConnections} accepted={counters.ConnectionsAccepted} refused={counters.ConnectionsRefused} " +
                       $"to-upstream={counters.BytesToUpstream} to-client={counters.BytesToClient}";
            default:
                return $"unknown command '{line.Trim()}'; commands: {Commands}";
        }
    }
}
