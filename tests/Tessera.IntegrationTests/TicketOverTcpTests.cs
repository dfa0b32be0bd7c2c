using Tessera.TestHost;
using Xunit;

namespace Tessera.IntegrationTests;

/// <summary>Each ticket error, raised by a real issuing process where the issuer decides.</summary>
public sealed class TicketOverTcpTests : IClassFixture<CalculatorServerFixture>, IAsyncLifetime
{
    private readonly CalculatorServerFixture _server;
    private Site _site = null!;

    public TicketOverTcpTests(CalculatorServerFixture server) => _server = server;

    public async Task InitializeAsync() => _site = await Site.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task A_forged_secret_is_refused_by_the_issuer()
    {
        var original = Ticket.Parse(_server.Ticket);
        var forged = new Ticket(original.EndpointHints, original.Site, original.ObjectKey, TicketSecret.NewSecret(), original.TypeName, original.TypeFingerprint, original.Unlimited);

        await Assert.ThrowsAsync<TicketSecretMismatchException>(() => Calculator.TakeAsync(_site, forged.Render()));
    }

    [Fact]
    public async Task A_ticket_for_an_object_the_issuer_never_offered_is_not_found()
    {
        var original = Ticket.Parse(_server.Ticket);
        var unknown = new Ticket(original.EndpointHints, original.Site, 42, original.Secret, original.TypeName, original.TypeFingerprint, original.Unlimited);

        await Assert.ThrowsAsync<TicketNotFoundException>(() => Calculator.TakeAsync(_site, unknown.Render()));
    }

    [Fact]
    public async Task A_ticket_for_another_class_is_refused_before_any_message()
    {
        var sentBefore = _site.Counters.TotalSent;

        await Assert.ThrowsAsync<TicketTypeMismatchException>(() => Counter.TakeAsync(_site, _server.Ticket));

        Assert.Equal(sentBefore, _site.Counters.TotalSent);
    }

    [Fact]
    public async Task A_ticket_claiming_another_class_is_refused_by_the_issuer()
    {
        var original = Ticket.Parse(_server.Ticket);
        var relabelled = new Ticket(original.EndpointHints, original.Site, original.ObjectKey, original.Secret, Counter.TesseraType.TypeName, Counter.TesseraType.Fingerprint, original.Unlimited);

        var error = await Assert.ThrowsAsync<TicketTypeMismatchException>(() => Counter.TakeAsync(_site, relabelled.Render()));

        Assert.Equal(Calculator.TesseraType.TypeName, error.ActualTypeName);
    }

    [Fact]
    public async Task A_typo_is_caught_by_the_checksum()
    {
        var text = _server.Ticket;
        var position = text.Length / 2;
        var typo = text[..position] + (text[position] == 'A' ? 'B' : 'A') + text[(position + 1)..];

        await Assert.ThrowsAnyAsync<TicketException>(() => Calculator.TakeAsync(_site, typo));
    }
}
