using System.Security.Cryptography;
using Xunit;

namespace Tessera.Runtime.Tests.Tickets;

public class TicketSecretTests
{
    [Fact]
    public void Secrets_compare_by_value()
    {
        byte[] bytes = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        byte[] other = (byte[])bytes.Clone();
        other[15] ^= 1;

        Assert.Equal(new TicketSecret(bytes), new TicketSecret(bytes));
        Assert.True(new TicketSecret(bytes) == new TicketSecret(bytes));
        Assert.NotEqual(new TicketSecret(bytes), new TicketSecret(other));
        Assert.True(new TicketSecret(bytes) != new TicketSecret(other));
        Assert.Equal(new TicketSecret(bytes).GetHashCode(), new TicketSecret(bytes).GetHashCode());
    }

    [Fact]
    public void Fresh_secrets_differ()
    {
        HashSet<TicketSecret> seen = [];
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(seen.Add(TicketSecret.NewSecret()));
        }
    }

    [Fact]
    public void The_hash_is_sha256_of_the_bytes()
    {
        byte[] bytes = RandomNumberGenerator.GetBytes(TicketSecret.Size);
        TicketSecret secret = new(bytes);
        byte[] written = new byte[TicketSecret.Size];
        secret.WriteTo(written);

        Assert.Equal(bytes, written);
        Assert.Equal(SHA256.HashData(bytes), secret.ComputeHash());
        Assert.Equal(TicketSecret.HashSize, secret.ComputeHash().Length);
    }

    [Fact]
    public void ToString_hides_the_value()
    {
        byte[] bytes = Enumerable.Repeat((byte)0xab, 16).ToArray();
        string shown = new TicketSecret(bytes).ToString();

        Assert.DoesNotContain("ab", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(bytes)[..6], shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(32)]
    public void Only_sixteen_bytes_make_a_secret(int length)
    {
        Assert.Throws<ArgumentException>(() => new TicketSecret(new byte[length]));
    }
}
