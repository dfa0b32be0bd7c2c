using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0008 for shapes that made the generated code fail to compile before they were reported.</summary>
public class UnservableShapeTests
{
    [Fact]
    public async Task TESS0008_FileLocalClass()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            file partial class {|TESS0008:Coder|}
            {
                public virtual int Get() => 1;
            }
            """);
        Assert.Contains("is declared 'file', and its generated part, in another file, would declare a second class", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0008_NestedInAFileLocalClass()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            file partial class {|TESS0008:Outer|}
            {
                [Async]
                public partial class Worker
                {
                    public virtual int Get() => 1;
                }
            }
            """);
        Assert.Contains("is nested in 'Outer', which is declared 'file'", Assert.Single(diagnostics).GetMessage());
    }

    [Theory]
    [InlineData("Async", "Stationary")]
    [InlineData("Async", "Async")]
    [InlineData("Stationary", "Cached")]
    [InlineData("Stationary", "Async")]
    public async Task TESS0008_DistributedBaseOfAnyKind(string derived, string baseKind)
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync($$"""
            [{{baseKind}}]
            public partial class Root
            {
                public virtual int Get() => 1;
            }

            [{{derived}}]
            public partial class {|TESS0008:Leaf|} : Root
            {
                public virtual int Other() => 2;
            }
            """);
        Assert.Contains("derives from distributed class 'Root'", Assert.Single(diagnostics, d => d.Id == "TESS0008").GetMessage());
    }

    [Theory]
    [InlineData("Async")]
    [InlineData("Cached")]
    public async Task TESS0008_RequiredMemberThatCreateCannotSet(string kind)
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync($$"""
            [{{kind}}]
            internal partial class Worker
            {
                internal required int {|TESS0008:Id|} { get; init; }
                public virtual int Get() => Id;
            }
            """);
        Assert.Contains("has required member 'Id', which the generated Create factories cannot set", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0008_RequiredMemberOnABase()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public class Named
            {
                public required string {|TESS0008:Name|} { get; init; }
            }

            [Async]
            public partial class Worker : Named
            {
                public virtual string Get() => Name;
            }
            """);
        Assert.Contains("has required member 'Name'", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task RequiredMemberOfAStationaryClass_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Stationary]
            internal partial class Worker
            {
                internal required int Id { get; init; }
                public virtual int Get() => Id;
            }
            """);
    }

    [Fact]
    public async Task TESS0005_VirtualMethodInheritedFromAPlainBaseAndNotOverridden()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public class Counter
            {
                protected int Count;
                public virtual int Get() => Count;
                public virtual void Reset() => Count = 0;
                public override string ToString() => "counter";
            }

            [Stationary]
            public partial class {|TESS0005:Tally|} : Counter
            {
                public virtual void Add(int n) => Count += n;
                public override void Reset() => Count = -1;
            }
            """);
        Assert.StartsWith(
            "Public method 'Counter.Get' is inherited from 'Counter', and the generated proxy forwards only the methods 'Tally' declares, so a call through a remote reference runs on the local proxy",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task TESS0005_NonVirtualMethodInheritedFromAPlainBase()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public class Counter
            {
                protected int Count;
                public int Peek() => Count;
            }

            [Cached]
            public partial class {|TESS0005:Tally|} : Counter
            {
                public virtual void Add(int n) => Count += n;
            }
            """);
        Assert.Contains("Public method 'Counter.Peek' is inherited from 'Counter' and cannot be overridden", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task InheritedMethodsAllOverridden_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            public class Counter
            {
                protected int Count;
                public virtual int Get() => Count;
            }

            public class Middle : Counter
            {
                public override int Get() => Count + 1;
            }

            [Async]
            public partial class Tally : Middle
            {
                public override int Get() => base.Get();
            }
            """);
    }

    [Theory]
    [InlineData("Async")]
    [InlineData("Cached")]
    public async Task TESS0008_NoConstructorTheFactoriesCanCall(string kind)
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync($$"""
            [{{kind}}]
            public partial class {|TESS0008:Worker|}
            {
                private Worker(int seed) { }
                public virtual int Get() => 1;
            }
            """);
        Assert.Contains("has no public or internal constructor", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task ProtectedInternalConstructorOfAnAsyncClass_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Async]
            public partial class Worker
            {
                protected internal Worker(in int seed) { }
                public virtual int Get() => 1;
            }
            """);
    }

    [Fact]
    public async Task TESS0014_StaticMembersOfAPlainBaseThatGeneratedOnesWouldHide()
    {
        var diagnostics = await AnalyzerVerifier.VerifyAsync("""
            public class Registry
            {
                public static Registry Create() => new();
                public static void Take(string other) { }
            }

            [Async]
            public partial class {|TESS0014:Worker|} : Registry
            {
                public virtual int Get() => 1;
            }
            """);
        Assert.Equal(
            "Inherited member 'Registry.Create' of [Async] class 'Worker' has the same signature as the member 'Create()' the generator adds, so the generated code cannot compile; rename it",
            Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public async Task RequiredMembersSetByEveryConstructorOfAnAsyncClass_NoDiagnostic()
    {
        await AnalyzerVerifier.VerifyAsync("""
            [Async]
            internal partial class Worker
            {
                [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
                public Worker(int id) => Id = id;

                internal required int Id { get; init; }
                public virtual int Get() => Id;
            }
            """);
    }
}
