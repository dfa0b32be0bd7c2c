using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0001, TESS0002, TESS0006 and TESS0008: the [Stationary] class declaration itself.</summary>
public class ClassShapeTests
{
    [Fact]
    public async Task TESS0001_ClassNotPartial()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public class {|TESS0001:Coder|}
            {
                public virtual int Get() => 1;
            }
            """);
        Assert.Equal(
            "[Stationary] class 'Coder' must be declared 'partial' so that the Tessera generator can add the proxy and ticket helpers to it; add the 'partial' modifier",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0001_ContainingTypeNotPartial()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public class {|TESS0001:Outer|}
            {
                [Stationary]
                public partial class Coder
                {
                    public virtual int Get() => 1;
                }
            }
            """);
        Assert.StartsWith("Type 'Outer', which contains [Stationary] class 'Coder', must be declared 'partial'", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0001_PartialClassInPartialTypes_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public partial class Outer
            {
                public partial struct Middle
                {
                    [Stationary]
                    public partial class Coder
                    {
                        public virtual int Get() => 1;
                    }
                }
            }
            public class NotPartialButNotStationary { }
            """);
    }

    [Fact]
    public async Task TESS0002_GenericClass()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class {|TESS0002:Box|}<T>
            {
                public virtual int Count() => 0;
            }
            """);
    }

    [Fact]
    public async Task TESS0002_NestedInGenericType()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public partial class Outer<T>
            {
                [Stationary]
                public partial class {|TESS0002:Coder|}
                {
                    public virtual int Get() => 1;
                }
            }
            """);
        Assert.Contains("is nested in generic type 'Outer<T>'", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0002_ClosedGenericBase_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public class Box<T>
            {
                public virtual T? Peek() => default;
            }

            [Stationary]
            public partial class IntBox : Box<int>
            {
                public override int Peek() => 42;
            }
            """);
    }

    [Fact]
    public async Task TESS0006_Sealed_ReportedOnThePartThatSealsIt()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Coder
            {
            }

            public sealed partial class {|TESS0006:Coder|}
            {
                public int Get() => 1;
            }
            """);
        Assert.Contains("must not be sealed", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0006_Static()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public static partial class {|TESS0006:Coder|}
            {
                public static int Get() => 1;
            }
            """);
    }

    [Fact]
    public async Task TESS0006_Abstract()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public abstract partial class {|TESS0006:Shape|}
            {
                public abstract double Area();
            }
            """);
        Assert.Contains("put [Stationary] on a concrete class that derives from it", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0006_ConcreteClassDerivedFromAbstract_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public abstract class Shape
            {
                public abstract double Area();
            }

            [Stationary]
            public partial class Square : Shape
            {
                public override double Area() => 4;
            }
            """);
    }

    [Fact]
    public async Task TESS0008_PrimaryConstructor_ReportedOnThePartThatDeclaresIt()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Coder
            {
                public virtual int Get() => seed;
            }

            public partial class {|TESS0008:Coder|}(int seed);
            """);
        Assert.Equal(
            "Tessera cannot generate a proxy for [Stationary] class 'Coder' because it has a primary constructor, which the proxy's constructor would have to call with arguments it cannot choose; declare an ordinary constructor instead, assigning its parameters to fields",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0008_Record()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial record {|TESS0008:Point|}
            {
                public virtual int GetX() => 1;
            }
            """);
        Assert.Contains("because it is a record", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0008_StationaryBase_AlsoFurtherUp()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Coder
            {
                public virtual int Get() => 1;
            }

            public class Middle : Coder { }

            [Stationary]
            public partial class {|TESS0008:FastCoder|} : Middle
            {
                public override int Get() => 2;
            }
            """);
        Assert.Contains("derives from distributed class 'Coder'", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0008_BaseWithoutCallableParameterlessConstructor()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public class Named
            {
                public Named(string name) => Name = name;
                private Named() => Name = "";
                protected string Name { get; }
            }

            [Stationary]
            public partial class Coder
            {
                public Coder() : base("coder") { }
            }

            public partial class {|TESS0008:Coder|} : Named
            {
                public virtual string Get() => Name;
            }
            """);
        Assert.Contains(
            "derives from 'Named', which has no parameterless constructor that 'Coder' can call, and the proxy's constructor needs one; add a parameterless constructor to 'Named' (protected is enough)",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0008_CollidingMethodIds_ReportedOnTheSecondMethod()
    {
        // "M15119()" and "M203802()" have the same 32-bit FNV-1a hash.
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Clash
            {
                public virtual void M15119() { }
                public virtual void {|TESS0008:M203802|}() { }
            }
            """);
        Assert.Contains("has remotable methods 'Clash.M15119' and 'Clash.M203802' with the same method id 0x5b179640", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0008_ServableShapes_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public class Guarded
            {
                protected Guarded() { }
                public Guarded(string name) { }
            }

            public class Seeded
            {
                internal Seeded(int seed = 1, params string[] names) { }
            }

            [Stationary]
            public partial class Coder : Guarded
            {
                public Coder(int seed) : base("coder") { }
                public virtual int Get() => 1;
                public override string ToString() => "Coder";
            }

            [Stationary]
            public partial class Decoder : Seeded
            {
                public virtual int Get() => 1;
            }

            public record Point(int X);
            """);
    }
}
