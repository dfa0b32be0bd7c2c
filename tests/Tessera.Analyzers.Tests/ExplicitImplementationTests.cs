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
        var messages = diagnostics.Select(d => d.GetMessage()).ToList();
        Assert.Contains(
            "'Counter.Next' implements 'ICounter.Next' explicitly, so an interface call through a remote reference runs on the local proxy instead of on the home site; implement it with a public virtual method instead, or let this implementation only call one with its own parameters",
            messages);
        Assert.Contains(messages, m => m.StartsWith("'Counter.Count' implements 'ICounter.Count' explicitly", StringComparison.Ordinal) && m.Contains("TESS0007"));
    }

    [Fact]
    public async Task TESS0025_AnExplicitMethodThatOnlyCallsARemotableMethod_IsForwardedAndNotReported()
    {
        // Two interface members that differ only in return type cannot both be implemented by public methods.
        await AnalyzerVerifier.VerifyAsync("""
            public interface INumber
            {
                int Get();
            }

            public interface IText
            {
                string Get(int width);
            }

            [Stationary]
            public partial class Value : INumber, IText
            {
                private int _value;
                public virtual int Get() => _value;
                public virtual string Text(int width, string pad = " ") => _value.ToString().PadLeft(width, pad[0]);
                string IText.Get(int width) => Text(width);
            }
            """);
    }

    [Fact]
    public async Task TESS0025_AnExplicitMethodThatCallsWithItsOwnFieldsOrThroughBase_IsReported()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public interface IText
            {
                string Get();
            }

            public interface IWidth
            {
                string Get();
            }

            public class Plain
            {
                public virtual string Text(int width) => new(' ', width);
            }

            [Stationary]
            public partial class Value : Plain, IText, IWidth
            {
                private int _width = 3;
                public override string Text(int width) => width.ToString();
                string IText.{|TESS0025:Get|}() => Text(_width);
                string IWidth.{|TESS0025:Get|}() => base.Text(2);
            }
            """);
    }

    [Fact]
    public async Task TESS0025_AnExplicitImplementationInheritedFromAPlainBase_IsReportedOnTheClass()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public interface ICounter
            {
                int Next();
            }

            public class CounterBase : ICounter
            {
                private int _count;
                int ICounter.Next() => ++_count;
            }

            [Stationary]
            public partial class {|TESS0025:Counter|} : CounterBase
            {
                public virtual int Peek() => 0;
            }

            [Stationary]
            public partial class Recounter : CounterBase, ICounter
            {
                private int _count;
                public virtual int Next() => ++_count;
            }
            """);
        Assert.StartsWith("'CounterBase.Next', which 'Counter' inherits, implements 'ICounter.Next' explicitly", Assert.Single(diagnostics).GetMessage(), StringComparison.Ordinal);
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

    [Fact]
    public async Task TESS0025_AForwarderWithAttributesOrConstantArguments_IsNotReported()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public interface IA { string Get(); }
            public interface IB { string Get(); }
            public interface IC { string Get(); }
            public interface ID { string Get(int width); }

            [Stationary]
            public partial class Value : IA, IB, IC, ID
            {
                private const int Width = 4;
                public virtual string Text(int width) => new(' ', width);
                [System.Diagnostics.DebuggerStepThrough]
                string IA.Get() => Text(-1);
                [Obsolete("use Text")]
                string IB.Get() => Text(Width);
                string IC.Get() => Text(default);
                string ID.Get(int width) { return Text(width); }
            }
            """);
    }

    [Fact]
    public async Task TESS0025_AForwarderInheritedFromAPlainBase_AndAnInterfacesOwnDefault_AreNotReported()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public interface INumber { int Get(); }
            public interface IText { string Get(int width); }
            public interface IA { int M(); }
            public interface IB : IA { int N(); int IA.M() => N(); }

            public class ValueBase : INumber, IText
            {
                private const int Pad = 2;
                public virtual int Get() => 0;
                public virtual string Text(int width, int pad) => "";
                string IText.Get(int width) => this.Text(width, Pad);
            }

            [Stationary]
            public partial class Value : ValueBase, IB
            {
                private int _value;
                public override int Get() => _value;
                public override string Text(int width, int pad) => _value.ToString().PadLeft(width + pad);
                public virtual int N() => _value;
            }
            """);
    }
}
