using System;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Tickets;

/// <summary>
/// The text form of <see cref="Ticket"/>. Parsing is strict: only the canonical rendering of
/// a ticket is accepted, so two texts for one ticket cannot exist and any alteration shows.
/// Error messages name the faulty field but never echo its content, which may be the secret.
/// </summary>
internal static class TicketFormat
{
    private const int FieldCount = 10;
    private const int ChecksumLength = 8;
    private const int GuidTextLength = 22;
    private const int SecretTextLength = 22;
    private const int Hex64Length = 16;
    private const int MaxVersionDigits = 9;
    private const char Separator = '.';
    private const char HintSeparator = ',';

    private static readonly string CurrentPrefix = Ticket.Scheme + Ticket.CurrentVersion.ToString(CultureInfo.InvariantCulture);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Render(Ticket ticket)
    {
        Span<byte> buffer = stackalloc byte[16];
        StringBuilder text = new(160);
        text.Append(CurrentPrefix);

        text.Append(Separator).Append(Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Join(HintSeparator, ticket.EndpointHints))));

        ticket.Site.Id.TryWriteBytes(buffer, bigEndian: true, out _);
        text.Append(Separator).Append(Base64Url.EncodeToString(buffer));
        text.Append(Separator).Append(ticket.Site.Incarnation.ToString("x16", CultureInfo.InvariantCulture));
        text.Append(Separator).Append(ticket.ObjectKey.ToString("x", CultureInfo.InvariantCulture));

        ticket.Secret.WriteTo(buffer);
        text.Append(Separator).Append(Base64Url.EncodeToString(buffer));
        CryptographicOperations.ZeroMemory(buffer);

        text.Append(Separator).Append(Base64Url.EncodeToString(StrictUtf8.GetBytes(ticket.TypeName)));
        text.Append(Separator).Append(ticket.TypeFingerprint.ToString("x16", CultureInfo.InvariantCulture));
        text.Append(Separator).Append(ticket.Unlimited ? 'm' : 'o');

        string body = text.ToString();
        return body + Separator + Checksum(body);
    }

    public static bool TryParse(string? input, out Ticket? ticket, out TesseraException? error)
    {
        error = Parse(input?.Trim(), out ticket);
        return error is null;
    }

    /// <returns>Why the text is not a ticket, or null with <paramref name="ticket"/> set.</returns>
    private static TesseraException? Parse(string? text, out Ticket? ticket)
    {
        ticket = null;
        if (string.IsNullOrEmpty(text))
        {
            return Malformed("the text is empty.");
        }

        if (text.Length > Ticket.MaxTextLength)
        {
            return Malformed($"it is {text.Length} characters long; no ticket exceeds {Ticket.MaxTextLength}.");
        }

        // The version comes before everything else: a later version may change every other field.
        TesseraException? schemeError = CheckScheme(text);
        if (schemeError is not null)
        {
            return schemeError;
        }

        for (int i = 0; i < text.Length; i++)
        {
            if (!IsTicketChar(text[i]))
            {
                return Malformed($"the character at position {i} is not allowed; a ticket uses only A-Z a-z 0-9 - _ . ~");
            }
        }

        ReadOnlySpan<char> span = text;
        int fields = span.Count(Separator) + 1;
        if (fields != FieldCount)
        {
            return Malformed($"it has {fields} dot-separated fields where {FieldCount} are expected; it may have been cut short or run into other text.");
        }

        Span<Range> ranges = stackalloc Range[FieldCount];
        span.Split(ranges, Separator);
        ReadOnlySpan<char> checksum = span[ranges[^1]];
        if (checksum.Length != ChecksumLength || !IsLowerHex(checksum))
        {
            return Malformed($"the checksum field is not {ChecksumLength} lowercase hexadecimal digits.");
        }

        // The checksum is checked before the fields are decoded, so a typo anywhere is reported as a typo.
        if (!checksum.SequenceEqual(Checksum(span[..span.LastIndexOf(Separator)])))
        {
            return new TicketChecksumException();
        }

        string? problem = DecodeFields(span, ranges, out ticket);
        if (problem is not null)
        {
            return Malformed(problem);
        }

        if (!string.Equals(Render(ticket!), text, StringComparison.Ordinal))
        {
            ticket = null;
            return Malformed("it is not in canonical form (for example upper-case or zero-padded hexadecimal).");
        }

        return null;
    }

    private static TesseraException? CheckScheme(string text)
    {
        if (!text.StartsWith(Ticket.Scheme, StringComparison.Ordinal))
        {
            return Malformed($"unknown scheme; a Tessera ticket starts with '{CurrentPrefix}{Separator}'.");
        }

        int digitsStart = Ticket.Scheme.Length;
        int end = digitsStart;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        int digits = end - digitsStart;
        if (digits == 0 || end == text.Length || text[end] != Separator)
        {
            return Malformed($"unknown scheme; a Tessera ticket starts with '{CurrentPrefix}{Separator}'.");
        }

        if (digits > MaxVersionDigits || text[digitsStart] == '0')
        {
            return Malformed("the version number after the scheme is not a valid number.");
        }

        int version = int.Parse(text.AsSpan(digitsStart, digits), NumberStyles.None, CultureInfo.InvariantCulture);
        return version == Ticket.CurrentVersion
            ? null
            : new ProtocolVersionMismatchException(Ticket.CurrentVersion, version, "The ticket");
    }

    private static string? DecodeFields(ReadOnlySpan<char> text, ReadOnlySpan<Range> ranges, out Ticket? ticket)
    {
        ticket = null;
        Span<byte> bytes = stackalloc byte[16];

        if (!TryDecodeBase64(text[ranges[1]], out byte[]? hintBytes))
        {
            return "the endpoint hints field is not base64url.";
        }

        // Latin-1 maps each byte to one char, so a non-ASCII byte survives to be rejected by CheckEndpointHints.
        ImmutableArray<string> hints = [.. Encoding.Latin1.GetString(hintBytes).Split(HintSeparator)];
        string? problem = CheckEndpointHints(hints);
        if (problem is not null)
        {
            return problem;
        }

        if (!TryDecodeFixed(text[ranges[2]], GuidTextLength, bytes))
        {
            return "the site id field is not 16 bytes of base64url.";
        }

        Guid siteId = new(bytes, bigEndian: true);
        if (!TryParseHex(text[ranges[3]], out ulong incarnation))
        {
            return "the site incarnation field is not 64-bit hexadecimal.";
        }

        if (!TryParseHex(text[ranges[4]], out ulong objectKey))
        {
            return "the object key field is not 64-bit hexadecimal.";
        }

        if (!TryDecodeFixed(text[ranges[5]], SecretTextLength, bytes))
        {
            return "the secret field is not 16 bytes of base64url.";
        }

        TicketSecret secret = new(bytes);
        CryptographicOperations.ZeroMemory(bytes);

        if (!TryDecodeBase64(text[ranges[6]], out byte[]? typeBytes) || !TryDecodeUtf8(typeBytes, out string? typeName))
        {
            return "the type name field is not base64url of UTF-8 text.";
        }

        problem = CheckTypeName(typeName);
        if (problem is not null)
        {
            return problem;
        }

        if (!TryParseHex(text[ranges[7]], out ulong fingerprint))
        {
            return "the type fingerprint field is not 64-bit hexadecimal.";
        }

        ReadOnlySpan<char> shots = text[ranges[8]];
        if (shots is not "o" and not "m")
        {
            return "the one-shot/many-shot field is neither 'o' nor 'm'.";
        }

        ticket = new Ticket(hints, new SiteIdentity(siteId, incarnation), objectKey, secret, typeName, fingerprint, unlimited: shots is "m");
        return null;
    }

    /// <returns>Why the hints are unusable, or null.</returns>
    internal static string? CheckEndpointHints(ImmutableArray<string> hints)
    {
        if (hints.IsDefaultOrEmpty)
        {
            return "a ticket needs at least one endpoint hint.";
        }

        if (hints.Length > Ticket.MaxEndpointHints)
        {
            return $"a ticket carries at most {Ticket.MaxEndpointHints} endpoint hints, not {hints.Length}.";
        }

        foreach (string? hint in hints)
        {
            if (string.IsNullOrEmpty(hint) || hint.Length > Ticket.MaxEndpointHintLength)
            {
                return $"each endpoint hint must be 1 to {Ticket.MaxEndpointHintLength} characters long.";
            }

            foreach (char c in hint)
            {
                if (c is <= ' ' or > '~' or HintSeparator)
                {
                    return $"an endpoint hint may contain only printable ASCII without spaces or '{HintSeparator}'.";
                }
            }
        }

        return null;
    }

    /// <returns>Why the type name is unusable, or null.</returns>
    internal static string? CheckTypeName(string? typeName)
    {
        if (string.IsNullOrEmpty(typeName) || typeName.Length > Ticket.MaxTypeNameLength)
        {
            return $"the type name must be 1 to {Ticket.MaxTypeNameLength} characters long.";
        }

        for (int i = 0; i < typeName.Length; i++)
        {
            char c = typeName[i];
            if (char.IsHighSurrogate(c) && i + 1 < typeName.Length && char.IsLowSurrogate(typeName[i + 1]))
            {
                i++;
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                return "the type name contains a control character or an unpaired surrogate.";
            }
        }

        return null;
    }

    /// <summary>First 4 bytes of SHA-256 over the ASCII text before the checksum, as 8 lowercase hex digits.</summary>
    private static string Checksum(ReadOnlySpan<char> body)
    {
        byte[] ascii = new byte[body.Length];
        Encoding.ASCII.GetBytes(body, ascii);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ascii, hash);
        CryptographicOperations.ZeroMemory(ascii);
        return Convert.ToHexStringLower(hash[..(ChecksumLength / 2)]);
    }

    private static bool IsTicketChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }

    // Zero padding and upper case are accepted here and rejected by the canonical re-render.
    private static bool TryParseHex(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        return text.Length is > 0 and <= Hex64Length &&
            ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryDecodeBase64(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.IsEmpty || !Base64Url.IsValid(text))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }

    private static bool TryDecodeFixed(ReadOnlySpan<char> text, int textLength, Span<byte> destination) =>
        text.Length == textLength &&
        Base64Url.IsValid(text, out int length) &&
        length == destination.Length &&
        Base64Url.TryDecodeFromChars(text, destination, out _);

    private static bool TryDecodeUtf8(byte[] bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static MalformedTicketException Malformed(string reason) => new(reason);
}
