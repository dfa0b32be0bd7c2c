using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Tessera.FaultInjection.Tests;

/// <summary>The stdin front end: one answer a command, and usage errors as exit code 2.</summary>
public sealed class RelayCommandLineTests
{
    [Fact]
    public async Task Each_command_is_answered_and_quit_exits_zero()
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        upstream.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        upstream.Listen(1);
        var address = upstream.LocalEndPoint!.ToString()!;
        var input = new StringReader("stats\ndelay 20\ndelay -5\nblackhole\nrestore\nrefuse on\nrefuse off\ncut\nfly\nquit\nstats\n");
        var output = new StringWriter();

        var exitCode = await RelayCommandLine.RunAsync([address], input, output).WaitAsync(Wire.Deadline);

        Assert.Equal(0, exitCode);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches($@"^listening 127\.0\.0\.1:\d+ -> {address}$", lines[0]);
        Assert.Equal(
            ["active=0 accepted=0 refused=0 to-upstream=0 to-client=0", "ok", "the delay must be from 0 up to the relay's lifetime",
             "ok", "ok", "ok", "ok", "ok"],
            lines[1..9]);
        Assert.StartsWith("unknown command 'fly'", lines[9]);
        Assert.Equal(10, lines.Length);
    }

    [Fact]
    public async Task Refuse_on_takes_effect_and_shows_in_the_stats()
    {
        await using var fixture = await RelayFixture.StartAsync();

        Assert.Equal("ok", RelayCommandLine.Execute(fixture.Relay, "refuse on"));
        await Wire.ExpectResetOnArrivalAsync(fixture.Relay.ListenAddress);

        Assert.Equal("active=0 accepted=0 refused=1 to-upstream=0 to-client=0", RelayCommandLine.Execute(fixture.Relay, "stats"));
    }

    [Theory]
    [InlineData(new string[0], "usage:")]
    [InlineData(new[] { "10.0.0.1:80" }, "loopback")]
    public async Task Usage_errors_exit_two_with_a_message(string[] args, string message)
    {
        var output = new StringWriter();

        Assert.Equal(2, await RelayCommandLine.RunAsync(args, new StringReader(""), output));

        Assert.Contains(message, output.ToString());
    }
}
