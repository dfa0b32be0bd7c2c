namespace Tessera.Generators.Tests;

/// <summary>[Cached] user code the generator runs on.</summary>
internal static class CachedSources
{
    /// <summary>
    /// Every kind of state field: readonly, auto-property backing fields (get-only and settable), a base
    /// class's private field, a reference to another [Cached] object; sync and async methods; two
    /// accessible constructors (with defaults) and a private one, which gets no factory.
    /// </summary>
    public const string Ledger = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Tessera;

        namespace Contoso.Ledgers;

        public enum Currency { Eur, Usd }

        public class Audited
        {
            private int _revision;

            protected void Touch() => _revision++;

            protected int Revision() => _revision;
        }

        [Cached]
        public partial class Ledger : Audited
        {
            private readonly List<decimal> _entries = new();
            private readonly string _owner;
            private Ledger? _parent;

            public Ledger(string owner, Currency currency = Currency.Usd, int limit = 10)
            {
                _owner = owner;
                Currency = currency;
                Limit = limit;
            }

            internal Ledger(string owner, Ledger parent) : this(owner) => _parent = parent;

            private Ledger() : this("nobody") { }

            public Currency Currency { get; }

            public int Limit { get; set; }

            public virtual void Post(decimal amount)
            {
                _entries.Add(amount);
                Touch();
            }

            public virtual decimal Balance()
            {
                decimal total = 0;
                foreach (var entry in _entries) total += entry;
                return total;
            }

            public virtual async Task<decimal> BalanceAsync(CancellationToken cancellationToken)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                return Balance();
            }

            public virtual Task ClearAsync()
            {
                _entries.Clear();
                return Task.CompletedTask;
            }

            public virtual Ledger? Parent() => _parent;

            public virtual string Describe() => $"{_owner}: {Revision()} posts";
        }
        """;

    /// <summary>A copy of samples/Coder/CachedCoder.cs.</summary>
    public const string CachedCoder = """
        using Tessera;

        namespace Tessera.Samples.Coder;

        /// <summary>The seed talk's Coder with mobile state: the state moves to whichever site calls it.</summary>
        [Cached]
        public partial class CachedCoder
        {
            private int _seed;

            public CachedCoder(int seed) => _seed = seed;

            /// <summary>Returns the seed, then advances it: seed := (seed * 23 + 49) mod 1001.</summary>
            public virtual int Get()
            {
                var current = _seed;
                _seed = (_seed * 23 + 49) % 1001;
                return current;
            }
        }
        """;

    /// <summary>A class without a declared constructor: the restated one gets a parameterless factory.</summary>
    public const string Tally = """
        using Tessera;

        namespace Contoso.Counting;

        [Cached]
        public partial class Tally
        {
            public int Count { get; private set; }

            public virtual int Increment() => ++Count;
        }
        """;
}
