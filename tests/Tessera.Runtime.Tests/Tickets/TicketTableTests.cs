using System.Collections.Immutable;
using Tessera.Tickets;
using Xunit;

namespace Tessera.Runtime.Tests.Tickets;

public class TicketTableTests
{
    private const string Coder = "Samples.Coder";
    private const ulong Shape = 0x1234_5678_9abc_def0;

    private static readonly SiteIdentity Site = SiteIdentity.NewIncarnation(Guid.NewGuid());
    private static readonly ImmutableArray<string> Hints = ["127.0.0.1:5000", "mem:3"];

    [Fact]
    public void A_taken_one_shot_ticket_reads_as_not_found_even_while_the_object_has_other_tickets()
    {
        TicketTable table = new();
        Ticket oneShot = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: false);
        table.Issue(Site, Hints, 7, Coder, Shape, unlimited: true);

        table.Redeem(7, oneShot.Secret, Coder, Shape);

        Assert.Throws<TicketNotFoundException>(() => table.Redeem(7, oneShot.Secret, Coder, Shape));
        Assert.Throws<TicketSecretMismatchException>(() => table.Redeem(7, TicketSecret.NewSecret(), Coder, Shape));
    }

    [Fact]
    public void Issue_returns_a_ticket_for_the_object()
    {
        TicketTable table = new();

        Ticket ticket = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: false);

        Assert.Equal(Site, ticket.Site);
        Assert.Equal(Hints, ticket.EndpointHints);
        Assert.Equal(7ul, ticket.ObjectKey);
        Assert.Equal(Coder, ticket.TypeName);
        Assert.Equal(Shape, ticket.TypeFingerprint);
        Assert.False(ticket.Unlimited);
        Assert.Equal(1, table.Count);
        Assert.NotEqual(ticket.Secret, table.Issue(Site, Hints, 7, Coder, Shape, unlimited: false).Secret);
    }

    [Fact]
    public void A_many_shot_ticket_can_be_taken_repeatedly()
    {
        TicketTable table = new();
        Ticket ticket = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: true);

        for (int i = 0; i < 3; i++)
        {
            TicketGrant grant = table.Redeem(7, ticket.Secret, Coder, Shape);
            Assert.Equal(new TicketGrant(7, Coder, Shape, true), grant);
        }

        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void A_one_shot_ticket_is_gone_after_the_first_take()
    {
        TicketTable table = new();
        Ticket ticket = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: false);

        Assert.Equal(new TicketGrant(7, Coder, Shape, false), table.Redeem(7, ticket.Secret, Coder, Shape));

        TicketNotFoundException error = Assert.Throws<TicketNotFoundException>(() => table.Redeem(7, ticket.Secret, Coder, Shape));
        Assert.Equal(7ul, error.ObjectKey);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void A_parsed_ticket_redeems_like_the_issued_one()
    {
        TicketTable table = new();
        Ticket parsed = Ticket.Parse(table.Issue(Site, Hints, 9, Coder, Shape, unlimited: false).Render());

        Assert.Equal(9ul, table.Redeem(parsed.ObjectKey, parsed.Secret, parsed.TypeName, parsed.TypeFingerprint).ObjectKey);
    }

    [Fact]
    public void An_unknown_object_is_not_found()
    {
        TicketTable table = new();
        table.Issue(Site, Hints, 7, Coder, Shape, unlimited: true);

        Assert.Throws<TicketNotFoundException>(() => table.Redeem(8, TicketSecret.NewSecret(), Coder, Shape));
    }

    [Fact]
    public void A_wrong_secret_is_refused_without_revealing_the_right_one()
    {
        TicketTable table = new();
        Ticket ticket = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: false);

        TicketSecretMismatchException error = Assert.Throws<TicketSecretMismatchException>(
            () => table.Redeem(7, TicketSecret.NewSecret(), Coder, Shape));

        Assert.DoesNotContain(TicketSamples.SecretText(ticket), error.Message, StringComparison.Ordinal);
        Assert.Equal(1, table.Count);
        table.Redeem(7, ticket.Secret, Coder, Shape);
    }

    [Fact]
    public void A_wrong_type_name_is_a_type_mismatch_naming_both_types()
    {
        TicketTable table = new();
        Ticket ticket = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: false);

        TicketTypeMismatchException error = Assert.Throws<TicketTypeMismatchException>(
            () => table.Redeem(7, ticket.Secret, "Samples.Bank", Shape));

        Assert.Contains(Coder, error.Message, StringComparison.Ordinal);
        Assert.Contains("Samples.Bank", error.Message, StringComparison.Ordinal);
        Assert.Equal("Samples.Bank", error.ExpectedTypeName);
        Assert.Equal(Coder, error.ActualTypeName);
        Assert.DoesNotContain(TicketSamples.SecretText(ticket), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_fingerprint_is_a_type_mismatch_about_class_shapes_and_does_not_consume_the_ticket()
    {
        TicketTable table = new();
        Ticket ticket = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: false);

        TicketTypeMismatchException error = Assert.Throws<TicketTypeMismatchException>(
            () => table.Redeem(7, ticket.Secret, Coder, Shape + 1));

        Assert.Contains(Coder, error.Message, StringComparison.Ordinal);
        Assert.Contains("shapes differ", error.Message, StringComparison.Ordinal);
        Assert.Equal(Shape + 1, error.ExpectedFingerprint);
        Assert.Equal(Shape, error.ActualFingerprint);
        Assert.Equal(7ul, table.Redeem(7, ticket.Secret, Coder, Shape).ObjectKey);
    }

    [Fact]
    public void A_retracted_ticket_is_not_found_and_others_for_the_object_survive()
    {
        TicketTable table = new();
        Ticket retracted = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: true);
        Ticket kept = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: true);

        Assert.True(table.Retract(retracted));
        Assert.False(table.Retract(retracted));

        Assert.Throws<TicketNotFoundException>(() => table.Redeem(7, retracted.Secret, Coder, Shape));
        table.Redeem(7, kept.Secret, Coder, Shape);

        Assert.True(table.Retract(kept.ObjectKey, kept.Secret));
        Assert.Throws<TicketNotFoundException>(() => table.Redeem(7, retracted.Secret, Coder, Shape));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void RetractAll_removes_every_ticket_of_one_object()
    {
        TicketTable table = new();
        Ticket first = table.Issue(Site, Hints, 7, Coder, Shape, unlimited: true);
        table.Issue(Site, Hints, 7, Coder, Shape, unlimited: false);
        Ticket other = table.Issue(Site, Hints, 8, Coder, Shape, unlimited: true);

        Assert.Equal(2, table.RetractAll(7));
        Assert.Equal(0, table.RetractAll(7));

        Assert.Throws<TicketNotFoundException>(() => table.Redeem(7, first.Secret, Coder, Shape));
        table.Redeem(8, other.Secret, Coder, Shape);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void The_live_ticket_bound_is_enforced()
    {
        TicketTable table = new(capacity: 2);
        Ticket first = table.Issue(Site, Hints, 1, Coder, Shape, unlimited: false);
        table.Issue(Site, Hints, 2, Coder, Shape, unlimited: true);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(
            () => table.Issue(Site, Hints, 3, Coder, Shape, unlimited: true));
        Assert.Contains("2 tickets are live", error.Message, StringComparison.Ordinal);

        table.Redeem(1, first.Secret, Coder, Shape);
        table.Issue(Site, Hints, 3, Coder, Shape, unlimited: true);
        Assert.Equal(2, table.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TicketTable(0));
    }

    [Fact]
    public void Concurrent_takers_of_a_one_shot_ticket_have_exactly_one_winner()
    {
        const int takers = 8;
        TicketTable table = new();
        for (int round = 0; round < 200; round++)
        {
            Ticket ticket = table.Issue(Site, Hints, (ulong)round, Coder, Shape, unlimited: false);
            using Barrier start = new(takers);
            int winners = 0;
            int losers = 0;

            // Dedicated threads, not the pool: the barrier needs all takers running at once.
            Thread[] threads = Enumerable.Range(0, takers).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    table.Redeem(ticket.ObjectKey, ticket.Secret, Coder, Shape);
                    Interlocked.Increment(ref winners);
                }
                catch (TicketNotFoundException)
                {
                    Interlocked.Increment(ref losers);
                }
            })).ToArray();
            Array.ForEach(threads, t => t.Start());
            Array.ForEach(threads, t => t.Join());

            Assert.Equal(1, winners);
            Assert.Equal(takers - 1, losers);
        }

        Assert.Equal(0, table.Count);
    }
}
