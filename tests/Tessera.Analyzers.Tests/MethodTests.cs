using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0003, TESS0004 and TESS0005: the public methods of a [Stationary] class.</summary>
public class MethodTests
{
    [Fact]
    public async Task TESS0003_GenericRemotableMethod()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Store
            {
                public virtual T {|TESS0003:Echo|}<T>(T value) => value;
            }
            """);
        Assert.StartsWith("Remotable method 'Store.Echo' is generic", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0003_GenericMethodNotRemotable_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Store
            {
                protected virtual T Echo<T>(T value) => value;
                private T Copy<T>(T value) => value;
                public static T Identity<T>(T value) => value;
                public virtual int Count() => Copy(Echo(1));
            }
            """);
    }

    [Fact]
    public async Task TESS0004_ByRefParametersAndReturns()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public unsafe partial class Buffer
            {
                private int _value;
                public virtual void Swap(ref int {|TESS0004:a|}, out int {|TESS0004:b|}, in int {|TESS0004:c|}) { b = a; a = c; }
                public virtual {|TESS0004:ref int|} Slot() => ref _value;
                public virtual int Sum(Span<int> {|TESS0004:values|}) => values.Length;
                public virtual {|TESS0004:ReadOnlySpan<byte>|} Bytes() => default;
                public virtual int Read(int* {|TESS0004:address|}) => *address;
            }
            """);
        var messages = diagnostics.Select(d => d.GetMessage()).ToList();
        Assert.Contains("Remotable method 'Buffer.Swap' cannot be called remotely because parameter 'b' is passed by 'out'; return the new value instead, as a tuple if there are several", messages);
        Assert.Contains(messages, m => m.Contains("parameter 'values' has ref struct type 'Span<int>'"));
        Assert.Contains(messages, m => m.Contains("parameter 'address' has pointer type 'int*'"));
    }

    [Fact]
    public async Task TESS0004_CopyableSignaturesAndNonRemotableMethods_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Buffer
            {
                private int _value;
                public virtual Task<int[]> ReadAsync(int[] values, CancellationToken cancellationToken) => Task.FromResult(values);
                protected virtual ref int Slot() => ref _value;
                private int Sum(Span<int> values) => values.Length + Slot();
                internal virtual void Swap(ref int a) => a = Sum(default);
            }
            """);
    }

    [Fact]
    public async Task TESS0005_PublicNonVirtualMethod()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public class Base
            {
                public virtual int Seed() => 1;
            }

            [Stationary]
            public partial class Coder : Base
            {
                public int {|TESS0005:Peek|}() => 1;
                public sealed override int {|TESS0005:Seed|}() => 2;
            }
            """);
        var messages = diagnostics.Select(d => d.GetMessage()).ToList();
        Assert.Contains("Public method 'Coder.Peek' is not virtual, so a call through a remote reference runs on the local proxy instead of on the home site; declare it 'virtual', or make it non-public if it is not meant to be called remotely", messages);
        Assert.Contains(messages, m => m.StartsWith("Public method 'Coder.Seed' is sealed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TESS0005_MembersThatAreNotRemotableMethods_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Coder : IDisposable
            {
                private int _seed;
                public Coder(int seed) => _seed = seed;
                ~Coder() { }
                public virtual int Get() => _seed;
                public virtual void Dispose() { }
                public static Coder Create() => new(1);
                public static Coder operator +(Coder a, Coder b) => a;
                public static explicit operator int(Coder c) => c.Get();
                public sealed override string ToString() => "Coder";
                public sealed override bool Equals(object? obj) => ReferenceEquals(this, obj);
                public sealed override int GetHashCode() => 0;
                internal int Peek() => _seed;
                protected int Reset() => _seed = 0;
                protected event EventHandler? Changed { add { } remove { } }
            }
            """);
    }

    [Fact]
    public async Task TESS0005_ObjectOverrides_StayLocalWithoutDiagnostic()
    {
        // Not remotable, so not forwarded either: they describe the reference itself.
        await AnalyzerVerifier.VerifyAsync("""
            public class Base
            {
                public override string ToString() => "Base";
            }

            [Stationary]
            public partial class Coder : Base
            {
                public virtual int Get() => 1;
                public override string ToString() => "Coder";
                public override bool Equals(object? obj) => ReferenceEquals(this, obj);
                public override int GetHashCode() => 0;
            }
            """);
    }
}
