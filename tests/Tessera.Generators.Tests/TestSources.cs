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

    /// <summary>Parameter and member names that the generated code once used for its own locals and fields.</summary>
    public const string ReservedNames = """
        using System.Threading;
        using System.Threading.Tasks;
        using Tessera;

        namespace Contoso.Games;

        /// <summary>Shares its name with Tessera.Site, so generated code must not say just "Site".</summary>
        public sealed record Site(string Name);

        [Stationary]
        public partial class Lobby
        {
            // A proxy field of the same name would hide this one.
            protected int _handle;

            public virtual string Join(Site site, string arguments, int context, long target, string result, byte[] buffer,
                int state, int writer, int reader, int handle, int reply, uint methodId, CancellationToken cancellationToken)
                => site.Name + arguments + result;

            public virtual async Task<Lobby?> ForkAsync(Lobby target, string bytes, int tesseraHandle, CancellationToken context)
            {
                await Task.Delay(tesseraHandle, context);
                return bytes.Length > 0 ? target : null;
            }
        }
        """;

    /// <summary>Required members, declared on the class and on its base.</summary>
    public const string RequiredMembers = """
        using Tessera;

        namespace Contoso.Accounts;

        public class Entity
        {
            public required int Id { get; init; }
        }

        [Stationary]
        public partial class Account : Entity
        {
            public required string Owner { get; init; }

            public virtual string Describe() => Owner + Id;

            public static Account Open() => new() { Id = 1, Owner = "ada" };
        }

        [Stationary]
        public partial class Profile
        {
            private readonly string _name;

            public Profile(string name) => _name = name;

            public required string Email { get; set; }

            public virtual string Greet() => _name + Email;
        }
        """;
}
