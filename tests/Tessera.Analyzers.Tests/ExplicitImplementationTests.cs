using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0025: explicit interface implementations, which the generated subclasses cannot override.</summary>
public sealed class ExplicitImplementationTests
{
    [Fact]
    public async Task TESS0025_ExplicitMembersOfAStationaryClass()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public interface ICounter
            {
                int Next();
                int Count { get; }
                event EventHandler? Changed;
            }

            [Stationary]
            public partial class Counter : ICounter
            {
                private int _count;
                int ICounter.{|TESS0025:Next|}() => ++_count;
                int ICounter.{|TESS0025:Count|} => _count;
                event EventHandler? ICounter.{|TESS0025:Changed|} { add { } remove { } }
                public virtual int Peek() => _count;
            }
            """);
        Assert.Contains(
            "'Counter.Next' implements 'ICounter.Next' explicitly, so an interface call through a remote reference runs on the local proxy instead of on the home site; implement it with a public virtual member instead",
            diagnostics.Select(d => d.GetMessage()));
    }

    [Fact]
    public async Task TESS0025_ExplicitMethodOfACachedClass_SaysTheStateIsNotBroughtHere()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public interface ITally
            {
                int Add(int amount);
            }

            [Cached]
            public partial class Tally : ITally
            {
                private int _total;
                int ITally.{|TESS0025:Add|}(int amount) => _total += amount;
                public virtual int Total() => _total;
            }
            """);
        Assert.Contains("without first bringing the object's state to this site", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0025_ImplicitImplementations_AsyncClassesAndStaticMembers_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public interface ICounter
            {
                int Next();
            }

            public interface IFactory<TSelf> where TSelf : IFactory<TSelf>
            {
                static abstract TSelf Make();
            }

            [Stationary]
            public partial class Counter : ICounter, IFactory<Counter>
            {
                private int _count;
                public virtual int Next() => ++_count;
                static Counter IFactory<Counter>.Make() => new();
            }

            [Async]
            public partial class Worker : ICounter
            {
                private int _count;
                int ICounter.Next() => ++_count;
                public virtual int Done() => _count;
            }
            """);
    }

    [Fact]
    public async Task TESS0025_SealedClass_OnlyTheClassIsReported()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public interface ICounter
            {
                int Next();
            }

            [Stationary]
            public sealed partial class {|TESS0006:Counter|} : ICounter
            {
                private int _count;
                int ICounter.Next() => ++_count;
            }
            """);
    }
}
