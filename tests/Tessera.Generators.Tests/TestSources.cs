namespace Tessera.Generators.Tests;

/// <summary>User code the generator runs on, shared by several test classes.</summary>
internal static class TestSources
{
    /// <summary>One of each shape the generator supports: sync and async returns, wire types, references, overloads.</summary>
    public const string Warehouse = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Tessera;

        namespace Contoso.Inventory;

        [Stationary]
        public partial class Warehouse
        {
            private readonly Dictionary<string, int> _stock = new();
            private readonly List<Shelf> _shelves = new();

            public virtual void Restock(string sku, int quantity, string? note, DateTime arrivedAt)
                => _stock[sku] = Count(sku) + quantity;

            public virtual async Task<int> CountAsync(string sku, CancellationToken cancellationToken)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                return Count(sku);
            }

            public virtual Task ClearAsync()
            {
                _stock.Clear();
                return Task.CompletedTask;
            }

            public virtual ValueTask<string> DescribeAsync(int[] bins, List<string> tags)
                => new(string.Join(",", tags) + "@" + bins.Length);

            public virtual void Attach(Shelf shelf, Shelf? spare)
            {
                _shelves.Add(shelf);
                if (spare is not null) _shelves.Add(spare);
            }

            public virtual Shelf OpenShelf(string label)
            {
                var shelf = new Shelf(label);
                _shelves.Add(shelf);
                return shelf;
            }

            public virtual int Reserve(string sku) => Reserve(sku, 1);

            public virtual int Reserve(string sku, int quantity) => _stock[sku] = Count(sku) - quantity;

            private int Count(string sku) => _stock.TryGetValue(sku, out var count) ? count : 0;
        }

        [Stationary]
        public partial class Shelf
        {
            private readonly string _label;

            public Shelf(string label) => _label = label;

            public virtual string Label() => _label;
        }
        """;

    /// <summary>A copy of samples/Coder/Coder.cs, the class users meet first.</summary>
    public const string Coder = """
        using Tessera;

        namespace Tessera.Samples.Coder;

        /// <summary>The seed talk's Coder: a pseudo-random stream whose state lives on one site.</summary>
        [Stationary]
        public partial class Coder
        {
            private int _seed;

            public Coder(int seed) => _seed = seed;

            /// <summary>Returns the seed, then advances it: seed := (seed * 23 + 49) mod 1001.</summary>
            public virtual int Get()
            {
                lock (this)
                {
                    var current = _seed;
                    _seed = (_seed * 23 + 49) % 1001;
                    return current;
                }
            }
        }
        """;
}
