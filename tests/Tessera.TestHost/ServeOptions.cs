namespace Tessera.TestHost;

/// <summary><c>serve|serve-async TICKET_FILE [--trace] [--listen ADDR] [--advertise ADDR]</c>.</summary>
internal sealed record ServeOptions(bool Async, string TicketFile, bool Trace, string? Listen, string? Advertise)
{
    public static ServeOptions? Parse(string[] args)
    {
        if (args.Length < 2 || args[0] is not ("serve" or "serve-async")) return null;
        var options = new ServeOptions(args[0] == "serve-async", args[1], false, null, null);
        for (var i = 2; i < args.Length; i++)
        {
            if (args[i] == "--trace") options = options with { Trace = true };
            else if (args[i] == "--listen" && i + 1 < args.Length) options = options with { Listen = args[++i] };
            else if (args[i] == "--advertise" && i + 1 < args.Length) options = options with { Advertise = args[++i] };
            else return null;
        }
        return options;
    }
}
