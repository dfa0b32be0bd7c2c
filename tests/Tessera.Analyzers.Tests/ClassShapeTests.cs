using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TSR0001, TSR0002 and TSR0006: the [Stationary] class declaration itself.</summary>
public class ClassShapeTests
{
    [Fact]
    public async Task TSR0001_ClassNotPartial()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public class {|TSR0001:Coder|}
            {
                public virtual int Get() => 1;
            }
            """);
        Assert.Equal(
            "[Stationary] class 'Coder' must be declared 'partial' so that the Tessera generator can add the proxy and ticket helpers to it; add the 'partial' modifier",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TSR0001_ContainingTypeNotPartial()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public class {|TSR0001:Outer|}
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
    public async Task TSR0001_PartialClassInPartialTypes_NoDiagnostic()
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
    public async Task TSR0002_GenericClass()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class {|TSR0002:Box|}<T>
            {
                public virtual int Count() => 0;
            }
            """);
    }

    [Fact]
    public async Task TSR0002_NestedInGenericType()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public partial class Outer<T>
            {
                [Stationary]
                public partial class {|TSR0002:Coder|}
                {
                    public virtual int Get() => 1;
                }
            }
            """);
        Assert.Contains("is nested in generic type 'Outer<T>'", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TSR0002_ClosedGenericBase_NoDiagnostic()
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
    public async Task TSR0006_Sealed_ReportedOnThePartThatSealsIt()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public partial class Coder
            {
            }

            public sealed partial class {|TSR0006:Coder|}
            {
                public int Get() => 1;
            }
            """);
        Assert.Contains("must not be sealed", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TSR0006_Static()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public static partial class {|TSR0006:Coder|}
            {
                public static int Get() => 1;
            }
            """);
    }

    [Fact]
    public async Task TSR0006_Abstract()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            public abstract partial class {|TSR0006:Shape|}
            {
                public abstract double Area();
            }
            """);
        Assert.Contains("put [Stationary] on a concrete class that derives from it", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TSR0006_ConcreteClassDerivedFromAbstract_NoDiagnostic()
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
}
