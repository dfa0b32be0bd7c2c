using Tessera.Gc;
using Xunit;

namespace Tessera.Runtime.Tests.Gc;

/// <summary>The weight arithmetic alone: exact, conserved, and never underflowing however often it is split.</summary>
public sealed class WeightTests
{
    [Fact]
    public void A_million_splits_along_a_chain_never_underflow_and_conserve_the_total()
    {
        const int Splits = 1_000_000;
        var home = new WeightLedger();
        home.Mint(Credit.Unit);
        var holder = new Weight();
        holder.Add(Credit.Unit);
        var deepest = 0;

        for (var i = 0; i < Splits; i++)
        {
            // The holder sends the reference on and drops its own: the rest of its weight goes home.
            var sent = holder.Split();
            Assert.False(sent.IsZero);
            foreach (var credit in holder.TakeAll()) home.Return(credit);
            Assert.False(home.IsZero);
            holder = new Weight();
            holder.Add(sent);
            deepest = Math.Max(deepest, sent.Level);
        }

        foreach (var credit in holder.TakeAll()) home.Return(credit);
        Assert.True(home.IsZero);
        Assert.True(deepest >= Splits / Credit.LevelBits, $"a million halvings must reach level {Splits / Credit.LevelBits}, reached {deepest}");
    }

    [Fact]
    public void The_home_weight_is_zero_only_when_every_piece_is_back_in_any_order()
    {
        for (var seed = 0; seed < 1000; seed++)
        {
            var random = new Random(seed);
            var home = new WeightLedger();
            var holders = new List<Weight>();
            for (var i = 0; i < 1 + random.Next(4); i++)
            {
                home.Mint(Credit.Unit);
                var first = new Weight();
                first.Add(Credit.Unit);
                holders.Add(first);
            }
            for (var step = 0; step < 200; step++)
            {
                var from = holders[random.Next(holders.Count)];
                var sent = from.Split();
                if (random.Next(3) == 0)
                {
                    holders[random.Next(holders.Count)].Add(sent);
                }
                else
                {
                    var fresh = new Weight();
                    fresh.Add(sent);
                    holders.Add(fresh);
                }
            }
            var returns = holders.SelectMany(h => h.TakeAll()).OrderBy(_ => random.Next()).ToList();
            for (var i = 0; i < returns.Count; i++)
            {
                Assert.False(home.IsZero, $"seed {seed}: zero with {returns.Count - i} pieces still out");
                home.Return(returns[i]);
            }
            Assert.True(home.IsZero, $"seed {seed}");
        }
    }

    [Fact]
    public void Merged_weight_carries_into_the_level_above()
    {
        var weight = new Weight();
        weight.Add(new Credit(1, (ulong)(Credit.Radix / 2)));
        weight.Add(new Credit(1, (ulong)(Credit.Radix / 2)));

        Assert.Equal([Credit.Unit], weight.TakeAll());
    }

    [Fact]
    public void A_split_of_a_unit_goes_one_level_deeper_and_keeps_half()
    {
        var weight = new Weight();
        weight.Add(Credit.Unit);

        var sent = weight.Split();

        Assert.Equal(new Credit(1, 1UL << 61), sent);
        Assert.Equal([new Credit(1, 1UL << 61)], weight.TakeAll());
    }

    [Fact]
    public void Negative_levels_are_a_protocol_violation()
    {
        Assert.Throws<ProtocolViolationException>(() => new Weight().Add(new Credit(-1, 1)));
        Assert.Throws<ProtocolViolationException>(() => new WeightLedger().Return(new Credit(-1, 1)));
    }

    [Fact]
    public void Credits_no_honest_site_could_send_are_refused_when_read()
    {
        Assert.Equal(new Credit(3, 5), Credit.FromWire(3, 5));
        Assert.Equal(new Credit(0, ulong.MaxValue), Credit.FromWire(0, ulong.MaxValue));
        // A level this deep made every later send of the proxy throw OverflowException in user code.
        Assert.Throws<ProtocolViolationException>(() => Credit.FromWire(int.MaxValue, 1));
        Assert.Throws<ProtocolViolationException>(() => Credit.FromWire(-1, 1));
        Assert.Throws<ProtocolViolationException>(() => Credit.FromWire(2, (ulong)(Credit.Radix)));
    }
}
