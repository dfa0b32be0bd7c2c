using System;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Tessera.Tickets;

namespace Tessera;

/// <summary>
/// A capability for one distributed object: where its home site may be reached, which site
/// and object it is, what class it is, and the secret that proves the right to take it.
/// The text form (<see cref="Render"/> / <see cref="Parse"/>) is printable, URL-safe ASCII
/// and is described field by field in docs/tickets.md.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> returns <see cref="Redacted"/>: whoever holds the rendered text
/// holds the capability, so it should never reach a log by accident.
/// </remarks>
public sealed record Ticket
{
    /// <summary>The ticket format and protocol version this build reads and writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The scheme; the version number and a dot follow it, as in <c>tessera1.</c>.</summary>
    public const string Scheme = "tessera";

    public const int MaxEndpointHints = 8;

    public const int MaxEndpointHintLength = 255;

    public const int MaxTypeNameLength = 1024;

    /// <summary>Longer input is rejected before any decoding; every valid ticket is far shorter.</summary>
    public const int MaxTextLength = 8192;

    /// <exception cref="ArgumentException">A hint or the type name could not survive the text form.</exception>
    public Ticket(
        ImmutableArray<string> endpointHints,
        SiteIdentity site,
        ulong objectKey,
        TicketSecret secret,
        string typeName,
        ulong typeFingerprint,
        bool unlimited)
    {
        string? problem = TicketFormat.CheckEndpointHints(endpointHints) ?? TicketFormat.CheckTypeName(typeName);
        if (problem is not null)
        {
            throw new ArgumentException($"Cannot make a ticket: {problem}");
        }

        EndpointHints = endpointHints;
        Site = site;
        ObjectKey = objectKey;
        Secret = secret;
        TypeName = typeName;
        TypeFingerprint = typeFingerprint;
        Unlimited = unlimited;
    }

    /// <summary>Always <see cref="CurrentVersion"/>: tickets of other versions are rejected when parsed.</summary>
    public int Version { get; } = CurrentVersion;

    /// <summary>
    /// Addresses where the issuing site may listen, such as <c>127.0.0.1:5000</c>, <c>[::1]:5000</c> or
    /// <c>mem:3</c>: printable ASCII without spaces or commas. They are hints only, not trusted:
    /// the taker checks <see cref="Site"/> when it connects.
    /// </summary>
    public ImmutableArray<string> EndpointHints { get; }

    /// <summary>The issuing site, including its incarnation: a restarted site refuses the ticket.</summary>
    public SiteIdentity Site { get; }

    public ulong ObjectKey { get; }

    public TicketSecret Secret { get; }

    /// <summary>Full name of the distributed class, such as <c>Samples.Coder</c>.</summary>
    public string TypeName { get; }

    /// <summary>Fingerprint of the class's shape, so two builds that disagree on it are detected.</summary>
    public ulong TypeFingerprint { get; }

    /// <summary><see langword="true"/> for many-shot (valid until retracted); <see langword="false"/> for one-shot.</summary>
    public bool Unlimited { get; }

    /// <summary>A form safe for logs: scheme, type, object key and site, without the secret or the checksum.</summary>
    public string Redacted =>
        $"{Scheme}{Version}:{TypeName}@{Site} ({(Unlimited ? "many-shot" : "one-shot")})";

    /// <summary>The canonical text form; <see cref="Parse"/> of it gives back an equal ticket.</summary>
    public string Render() => TicketFormat.Render(this);

    /// <summary>Parses a ticket; surrounding whitespace from copy and paste is ignored.</summary>
    /// <exception cref="MalformedTicketException">The text is not a canonical ticket.</exception>
    /// <exception cref="TicketChecksumException">The text was altered, typically by a typo.</exception>
    /// <exception cref="ProtocolVersionMismatchException">The ticket is from another Tessera protocol version.</exception>
    public static Ticket Parse(string text)
    {
        TicketFormat.TryParse(text, out Ticket? ticket, out TesseraException? error);
        return ticket ?? throw error!;
    }

    /// <summary>
    /// Parses a ticket without throwing. The error is a <see cref="TicketException"/> or, for a
    /// ticket of another version, a <see cref="ProtocolVersionMismatchException"/>.
    /// </summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out Ticket? ticket,
        [NotNullWhen(false)] out TesseraException? error) =>
        TicketFormat.TryParse(text, out ticket, out error);

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Ticket? ticket) =>
        TicketFormat.TryParse(text, out ticket, out _);

    public bool Equals(Ticket? other) =>
        other is not null &&
        Version == other.Version &&
        EndpointHints.AsSpan().SequenceEqual(other.EndpointHints.AsSpan()) &&
        Site == other.Site &&
        ObjectKey == other.ObjectKey &&
        Secret == other.Secret &&
        string.Equals(TypeName, other.TypeName, StringComparison.Ordinal) &&
        TypeFingerprint == other.TypeFingerprint &&
        Unlimited == other.Unlimited;

    public override int GetHashCode() => HashCode.Combine(Site, ObjectKey, Secret, TypeFingerprint, Unlimited);

    public override string ToString() => Redacted;
}
