using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Runtime.Tests.Tickets;

/// <summary>Deterministic tickets and text surgery shared by the ticket tests.</summary>
internal static class TicketSamples
{
    public const string Allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

    private static readonly string[] HintPool =
        ["127.0.0.1:5000", "[::1]:5000", "mem:3", "example.org:443", "10.0.0.17:65535", "[fe80::1%25eth0]:7000", "mem:0"];

    private static readonly string[] TypePool =
        ["Samples.Coder", "Samples.Bank.Account", "Ünïcödé.Тип", "Deep.Nested.Outer+Inner", "A", "Samples.Box`1", "日本.クラス"];

    public static Ticket Coder(bool unlimited = false) => new(
        ["127.0.0.1:5000"],
        new SiteIdentity(new Guid("6f1c2a4e-9b3d-4e5f-8a7b-0c1d2e3f4a5b"), 0x0123456789abcdef),
        42,
        new TicketSecret(Enumerable.Range(1, 16).Select(i => (byte)(i * 13)).ToArray()),
        "Samples.Coder",
        0xfeedface00c0ffee,
        unlimited);

    public static Ticket Random(Random random)
    {
        string[] hints = Enumerable.Range(0, random.Next(1, Ticket.MaxEndpointHints + 1))
            .Select(_ => HintPool[random.Next(HintPool.Length)])
            .ToArray();
        byte[] secret = new byte[TicketSecret.Size];
        random.NextBytes(secret);
        byte[] guid = new byte[16];
        random.NextBytes(guid);
        ulong key = random.Next(4) switch
        {
            0 => 0,
            1 => ulong.MaxValue,
            2 => (ulong)random.Next(1000),
            _ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40),
        };
        return new Ticket(
            [.. hints],
            new SiteIdentity(new Guid(guid), (ulong)random.NextInt64()),
            key,
            new TicketSecret(secret),
            TypePool[random.Next(TypePool.Length)],
            (ulong)random.NextInt64() << 1,
            random.Next(2) == 0);
    }

    public static string SecretText(Ticket ticket)
    {
        byte[] bytes = new byte[TicketSecret.Size];
        ticket.Secret.WriteTo(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }

    public static string[] Fields(string text) => text.Split('.');

    /// <summary>Replaces one field and recomputes the checksum, as a forger (not a typo) would.</summary>
    public static string WithField(string text, int index, string value)
    {
        string[] fields = Fields(text);
        fields[index] = value;
        return Reseal(string.Join('.', fields[..^1]));
    }

    public static string Reseal(string body) =>
        body + "." + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(body)).AsSpan(0, 4));

    public static string Base64(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    public static string Base64(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
