using System.Collections.Immutable;
using Xunit;

namespace Tessera.Runtime.Tests.Tickets;

public class TicketFormatTests
{
    [Fact]
    public void Random_tickets_survive_render_and_parse()
    {
        Random random = new(20240611);
        for (int i = 0; i < 1000; i++)
        {
            Ticket ticket = TicketSamples.Random(random);
            string text = ticket.Render();

            Ticket parsed = Ticket.Parse(text);

            Assert.Equal(ticket, parsed);
            Assert.Equal(ticket.GetHashCode(), parsed.GetHashCode());
            Assert.Equal(text, parsed.Render());
            Assert.Equal(Ticket.CurrentVersion, parsed.Version);
        }
    }

    [Fact]
    public void Rendered_text_is_url_safe_ascii_and_short()
    {
        Random random = new(7);
        for (int i = 0; i < 200; i++)
        {
            string text = TicketSamples.Random(random).Render();

            Assert.StartsWith("tessera1.", text, StringComparison.Ordinal);
            Assert.Equal(text, Uri.EscapeDataString(text));
            Assert.All(text, c => Assert.Contains(c, TicketSamples.Allowed));
        }

        Assert.True(TicketSamples.Coder().Render().Length < 150);
    }

    [Fact]
    public void Rendering_has_the_documented_fields()
    {
        string text = TicketSamples.Coder().Render();
        string[] fields = TicketSamples.Fields(text);

        Assert.Equal(10, fields.Length);
        Assert.Equal("tessera1", fields[0]);
        Assert.Equal(TicketSamples.Base64("127.0.0.1:5000"), fields[1]);
        Assert.Equal("bxwqTps9Tl-KewwdLj9KWw", fields[2]);
        Assert.Equal("0123456789abcdef", fields[3]);
        Assert.Equal("2a", fields[4]);
        Assert.Equal(TicketSamples.SecretText(TicketSamples.Coder()), fields[5]);
        Assert.Equal(TicketSamples.Base64("Samples.Coder"), fields[6]);
        Assert.Equal("feedface00c0ffee", fields[7]);
        Assert.Equal("o", fields[8]);
        Assert.Equal("m", TicketSamples.Fields(TicketSamples.Coder(unlimited: true).Render())[8]);
        Assert.Equal(text, TicketSamples.Reseal(text[..text.LastIndexOf('.')]));
    }

    [Fact]
    public void Surrounding_whitespace_is_ignored()
    {
        Ticket ticket = TicketSamples.Coder();

        Assert.Equal(ticket, Ticket.Parse("  \t" + ticket.Render() + "\r\n"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("hello")]
    [InlineData("tessera")]
    [InlineData("tessera1")]
    [InlineData("tessera1.")]
    [InlineData("tesserax.abc")]
    [InlineData("tessera01.abc")]
    [InlineData("tessera99999999999.abc")]
    [InlineData("oz-ticket://127.0.0.1:9000/abc#1")]
    [InlineData("tessera1.a.b.c")]
    public void Garbage_is_malformed(string? text)
    {
        Assert.Throws<MalformedTicketException>(() => Ticket.Parse(text!));
        Assert.False(Ticket.TryParse(text, out Ticket? ticket, out TesseraException? error));
        Assert.Null(ticket);
        Assert.IsType<MalformedTicketException>(error);
    }

    [Fact]
    public void Damaged_shapes_of_a_real_ticket_are_malformed()
    {
        string text = TicketSamples.Coder().Render();
        string[] fields = TicketSamples.Fields(text);
        string[] damaged =
        [
            text.ToUpperInvariant(),
            text.Insert(20, "é"),
            text.Insert(20, " "),
            text.Insert(20, "%"),
            text + ".00000000",
            string.Join('.', fields.Where((_, i) => i != 4)),
            text[..^1],
            text[..^2] + "ZZ",
            text.Insert(text.IndexOf('.'), "."),
            new string('a', Ticket.MaxTextLength + 1),
            "tessera1." + new string('a', Ticket.MaxTextLength),
        ];

        foreach (string bad in damaged)
        {
            Assert.Throws<MalformedTicketException>(() => Ticket.Parse(bad));
        }
    }

    [Theory]
    [InlineData(1, "")]
    [InlineData(1, "AA")]
    [InlineData(2, "AAAA")]
    [InlineData(2, "")]
    [InlineData(3, "123")]
    [InlineData(3, "0123456789ABCDEF")]
    [InlineData(4, "002a")]
    [InlineData(4, "2A")]
    [InlineData(4, "10000000000000000")]
    [InlineData(4, "")]
    [InlineData(5, "AAAAAAAAAAAAAAAAAAAAA")]
    [InlineData(5, "AAAAAAAAAAAAAAAAAAAAAB")]
    [InlineData(6, "")]
    [InlineData(6, "_w")]
    [InlineData(7, "FEEDFACE00C0FFEE")]
    [InlineData(8, "x")]
    [InlineData(8, "om")]
    public void Fields_that_do_not_decode_canonically_are_malformed_even_with_a_correct_checksum(int field, string value)
    {
        string forged = TicketSamples.WithField(TicketSamples.Coder().Render(), field, value);

        Assert.Throws<MalformedTicketException>(() => Ticket.Parse(forged));
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:5000,")]
    [InlineData("127.0.0.1 5000")]
    [InlineData("mem:1,mem:2,mem:3,mem:4,mem:5,mem:6,mem:7,mem:8,mem:9")]
    [InlineData("höst:1")]
    public void Unusable_endpoint_hints_are_malformed(string hints)
    {
        string forged = TicketSamples.WithField(TicketSamples.Coder().Render(), 1, TicketSamples.Base64(hints));

        Assert.Throws<MalformedTicketException>(() => Ticket.Parse(forged));
    }

    [Fact]
    public void Type_name_that_is_not_utf8_is_malformed()
    {
        string forged = TicketSamples.WithField(TicketSamples.Coder().Render(), 6, TicketSamples.Base64([0x41, 0xff, 0x42]));

        Assert.Throws<MalformedTicketException>(() => Ticket.Parse(forged));
    }

    [Fact]
    public void Every_single_character_typo_is_caught()
    {
        Random random = new(99);
        for (int round = 0; round < 20; round++)
        {
            string text = TicketSamples.Random(random).Render();
            for (int i = 0; i < text.Length; i++)
            {
                char replacement;
                do
                {
                    replacement = TicketSamples.Allowed[random.Next(TicketSamples.Allowed.Length)];
                }
                while (replacement == text[i]);

                string typo = text[..i] + replacement + text[(i + 1)..];

                Assert.False(Ticket.TryParse(typo, out _, out TesseraException? error), $"typo at {i} was accepted");
                if (i <= "tessera1".Length)
                {
                    Assert.True(error is MalformedTicketException or ProtocolVersionMismatchException, $"position {i}: {error.GetType().Name}");
                }
                else
                {
                    Assert.True(error is MalformedTicketException or TicketChecksumException, $"position {i}: {error.GetType().Name}");
                }
            }
        }
    }

    [Fact]
    public void A_typo_inside_a_field_is_reported_as_a_checksum_error()
    {
        string text = TicketSamples.Coder().Render();
        int keyField = text.IndexOf(".2a.", StringComparison.Ordinal) + 1;
        string typo = text[..keyField] + "3" + text[(keyField + 1)..];

        TicketChecksumException error = Assert.Throws<TicketChecksumException>(() => Ticket.Parse(typo));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tessera2.")]
    [InlineData("tessera17.")]
    public void A_ticket_of_another_version_is_a_version_mismatch_not_a_checksum_error(string prefix)
    {
        string text = TicketSamples.Coder().Render();
        string future = prefix + text["tessera1.".Length..];

        ProtocolVersionMismatchException error = Assert.Throws<ProtocolVersionMismatchException>(() => Ticket.Parse(future));
        Assert.Equal(Ticket.CurrentVersion, error.Expected);
        Assert.Equal(int.Parse(prefix["tessera".Length..^1]), error.Actual);
        Assert.Throws<ProtocolVersionMismatchException>(() => Ticket.Parse(prefix + "whatever.layout.a.future.version.uses"));
    }

    [Fact]
    public void TryParse_accepts_a_valid_ticket()
    {
        Ticket ticket = TicketSamples.Coder(unlimited: true);

        Assert.True(Ticket.TryParse(ticket.Render(), out Ticket? parsed, out TesseraException? error));
        Assert.Equal(ticket, parsed);
        Assert.Null(error);
        Assert.True(Ticket.TryParse(ticket.Render(), out parsed));
        Assert.Equal(ticket, parsed);
    }

    [Fact]
    public void Neither_errors_nor_redacted_forms_reveal_the_secret()
    {
        Ticket ticket = TicketSamples.Coder();
        string text = ticket.Render();
        string secret = TicketSamples.SecretText(ticket);
        string[] bad =
        [
            text[..^1] + (text[^1] == '0' ? '1' : '0'),
            text + "x",
            text.Insert(40, "é"),
            TicketSamples.WithField(text, 5, secret[..^1]),
            TicketSamples.WithField(text, 4, "002a"),
            "tessera2." + text[9..],
        ];

        foreach (string b in bad)
        {
            Assert.False(Ticket.TryParse(b, out _, out TesseraException? error));
            Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[..8], error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(text[..30], error.Message, StringComparison.Ordinal);
        }

        foreach (string safe in new[] { ticket.Redacted, ticket.ToString(), ticket.Secret.ToString()! })
        {
            Assert.DoesNotContain(secret, safe, StringComparison.Ordinal);
            Assert.DoesNotContain(text, safe, StringComparison.Ordinal);
            Assert.DoesNotContain(TicketSamples.Fields(text)[9], safe, StringComparison.Ordinal);
        }

        Assert.Contains("Samples.Coder", ticket.Redacted, StringComparison.Ordinal);
        Assert.Contains("2a", ticket.Redacted, StringComparison.Ordinal);
        Assert.Contains(ticket.Site.ToString(), ticket.Redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void The_constructor_rejects_what_could_not_round_trip()
    {
        Ticket valid = TicketSamples.Coder();
        ImmutableArray<string>[] badHints = [default, [], [""], ["a,b"], ["a b"], ["hôst:1"], [new string('a', Ticket.MaxEndpointHintLength + 1)]];

        foreach (ImmutableArray<string> hints in badHints)
        {
            Assert.Throws<ArgumentException>(() => new Ticket(hints, valid.Site, 1, valid.Secret, "T", 0, false));
        }

        foreach (string name in new[] { "", "A\nB", "A\uD800", new string('a', Ticket.MaxTypeNameLength + 1) })
        {
            Assert.Throws<ArgumentException>(() => new Ticket(["mem:1"], valid.Site, 1, valid.Secret, name, 0, false));
        }
    }
}
