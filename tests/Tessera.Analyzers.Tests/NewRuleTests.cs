using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0011 to TESS0016: attributes, signatures and members that do not survive distribution.</summary>
public class NewRuleTests
{
    [Fact]
    public async Task TESS0011_TwoDistributionAttributes()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary, Cached]
            public partial class {|TESS0011:Both|} { public virtual int Get() => 1; }

            [Cached]
            public partial class One { public virtual int Get() => 1; }
            """);
    }

    [Fact]
    public async Task TESS0012_ValuesMemoryPackCannotEncode()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            using System.Collections.Generic;
            using System.Net.Sockets;

            [Stationary]
            public partial class Peer { public virtual int Get() => 1; }

            [Stationary]
            public partial class Registry
            {
                public virtual void Attach(Socket {|TESS0012:socket|}) { }
                public virtual {|TESS0012:Task<object>|} LoadAsync() => Task.FromResult(new object());
                public virtual void AddAll(List<Peer> {|TESS0012:peers|}) { }
            }
            """);
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("'Socket' has no MemoryPack formatter"));
        Assert.Contains(diagnostics, d => d.GetMessage().Contains("distributed class 'Peer' travels as a reference only as a whole parameter"));
    }

    [Fact]
    public async Task TESS0012_ValuesThatTravel_NoDiagnostic()
    {
        await FrameworkVerifier.VerifyAsync("""
            using System.Collections.Generic;
            using System.Collections.Immutable;
            using MemoryPack;

            public enum Mode { A, B }
            public struct Point { public int X; public int Y; }

            [MemoryPackable]
            public partial class Order { public string Name { get; set; } = ""; }

            [Stationary]
            public partial class Peer { public virtual int Get() => 1; }

            [Stationary]
            public partial class Registry
            {
                public virtual string Name(int a, long b, double c, decimal d, bool e, Guid f, DateTime g, TimeSpan h, Mode i, Point j) => "";
                public virtual Dictionary<string, List<int[]>> Index(HashSet<Guid> keys, ImmutableArray<string> names, (int, string) pair, int? maybe) => new();
                public virtual Task<Order> PlaceAsync(Order order, Peer peer, Dataflow<Peer> later, Dataflow<int> count, Dataflow done, CancellationToken cancellationToken) => Task.FromResult(order);
                public virtual ValueTask<Peer> FindAsync(Uri where, Version version) => default;
            }
            """);
    }

    [Fact]
    public async Task TESS0013_PublicEvent()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Stationary]
            public partial class Ticker
            {
                public event EventHandler? {|TESS0013:Ticked|};
                private event EventHandler? Internal;
                public virtual void Tick() { Ticked?.Invoke(this, EventArgs.Empty); Internal?.Invoke(this, EventArgs.Empty); }
            }
            """);
    }

    [Fact]
    public async Task TESS0014_NamesTheGeneratorUses()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Cached]
            public partial class Store
            {
                public Store(int size) { }
                internal string {|TESS0014:Offer|}(Site site) => "";
                public static Store {|TESS0014:Create|}(int size) => null!;
                public virtual int {|TESS0014:TesseraType|}() => 1;
            }

            [Async]
            public partial class Worker
            {
                public class {|TESS0014:Ref|} { }
            }
            """);
    }

    [Fact]
    public async Task TESS0014_OtherOverloadsAndKinds_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Store
            {
                public virtual string Offer(string what) => what;
                public static Store Create(int size) => null!;
                public class Ref { }
            }

            [Cached]
            public partial class Cache
            {
                public Cache(int size) { }
                public static Cache Create(string name) => null!;
            }
            """);
    }

    [Fact]
    public async Task TESS0015_AsyncVoid()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Async]
            public partial class Worker
            {
                public virtual async void {|TESS0015:Run|}() => await Task.Yield();
                public virtual async Task RunAsync() => await Task.Yield();
                private async void Local() => await Task.Yield();
            }
            """);
    }

    [Fact]
    public async Task TESS0016_OneWayThatIsIgnored()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Async]
            public partial class Worker
            {
                [OneWay] public virtual void Fire() { }
                [{|TESS0016:OneWay|}] public virtual int Answer() => 1;
                [{|TESS0016:OneWay|}] internal void NotRemotable() { }
            }

            [Stationary]
            public partial class Plain
            {
                [{|TESS0016:OneWay|}] public virtual void Fire() { }
            }
            """);
    }
}
