namespace Tessera.Generators.Tests;

/// <summary>[Async] classes the generator runs on.</summary>
internal static class AsyncSources
{
    /// <summary>Each shape an async reference mirrors: values, void, one-way, tasks, tokens, variables, references, two constructors.</summary>
    public const string Mailroom = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Tessera;

        namespace Contoso.Post;

        [Async]
        public partial class Mailroom
        {
            private readonly List<string> _letters = new();
            private readonly string _name;

            public Mailroom(string name, int capacity = 10) => _name = name;

            internal Mailroom(Mailroom parent) => _name = parent._name;

            public virtual int Count() => _letters.Count;

            public virtual void Post(string letter, string? note) => _letters.Add(letter);

            [OneWay]
            public virtual void Drop(string letter) => _letters.Add(letter);

            public virtual async Task<string> SortAsync(string bin, CancellationToken cancellationToken)
            {
                await Task.Yield();
                return _name + bin;
            }

            public virtual Task FlushAsync() => Task.CompletedTask;

            public virtual ValueTask<int> WeighAsync(int[] parcels) => new(parcels.Length);

            public virtual int Await(Dataflow<int> ticket, Dataflow done) => ticket.Value;

            public virtual Mailroom Branch() => this;
        }
        """;

    /// <summary>The sample's async Coder, as samples/Coder declares it.</summary>
    public const string AsyncCoder = """
        using Tessera;

        namespace Tessera.Samples.Coder;

        [Async]
        public partial class AsyncCoder
        {
            private int _seed;

            public AsyncCoder(int seed) => _seed = seed;

            public virtual int Get()
            {
                var current = _seed;
                _seed = (_seed * 23 + 49) % 1001;
                return current;
            }
        }
        """;

    public const string Parcel = """
        using Tessera;

        namespace Contoso.Post;

        [Async]
        public partial class Parcel
        {
            public virtual int Weight() => 1;
        }
        """;
}
