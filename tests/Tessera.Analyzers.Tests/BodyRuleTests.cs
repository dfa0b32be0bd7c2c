using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0017 to TESS0021: code in and around distributed classes that only works within one process.</summary>
public class BodyRuleTests
{
    [Fact]
    public async Task TESS0017_BlockingOnDataflowInAsyncCode()
    {
        await FrameworkVerifier.VerifyAsync("""
            public static class Use
            {
                public static async Task<int> SumAsync(Dataflow<int> a, Dataflow<int> b, Dataflow done)
                {
                    int x = {|TESS0017:a|};
                    {|TESS0017:done.Wait()|};
                    await Task.Yield();
                    return x + {|TESS0017:b.Value|} + await b;
                }

                public static int Sync(Dataflow<int> a) => a.Value + a;

                public static Func<Task<int>> Lambda(Dataflow<int> a) => async () => { await Task.Yield(); return {|TESS0017:a.Value|}; };
                public static Func<int> SyncLambda(Dataflow<int> a) => () => a.Value;
            }
            """);
    }

    [Fact]
    public async Task TESS0018_StaticMutableState()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Stationary]
            public partial class Counter
            {
                private static int s_total;
                private static readonly object s_gate = new();
                private const int Limit = 10;
                public virtual int Next() { {|TESS0018:s_total|}++; lock (s_gate) { return {|TESS0018:s_total|} + Limit; } }
                public static int Total() => s_total;
            }

            public class NotDistributed
            {
                private static int s_count;
                public int Next() => ++s_count;
            }
            """);
    }

    [Fact]
    public async Task TESS0019_FieldsThatBypassTheProxy()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Stationary]
            public partial class Account
            {
                public int {|TESS0019:Balance|};
                private int _limit;
                public const int Max = 10;
                public virtual bool Same(Account other) => {|TESS0019:other._limit|} == _limit && this._limit == Max;
            }
            """);
    }

    [Fact]
    public async Task TESS0020_LockOnCachedObject()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Cached]
            public partial class Tally
            {
                private readonly int[] _gate = new int[1];
                public virtual void Add() { lock ({|TESS0020:this|}) { } lock (_gate) { } }
            }

            [Stationary]
            public partial class Home
            {
                public virtual void Add() { lock (this) { } }
                public virtual void Use(Tally tally) { System.Threading.Monitor.Enter({|TESS0020:tally|}); }
            }
            """);
    }

    [Fact]
    public async Task TESS0021_ThreadBoundValues()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Stationary]
            public partial class Tracer
            {
                [ThreadStatic] private static int t_depth;
                private readonly ThreadLocal<int> _local = new();
                private readonly AsyncLocal<string> _flow = new();
                public virtual int Depth() => {|TESS0021:t_depth|} + {|TESS0021:_local.Value|} + {|TESS0021:Environment.CurrentManagedThreadId|};
                public virtual string? Flow() => {|TESS0021:_flow.Value|};
            }

            public class Local
            {
                private readonly ThreadLocal<int> _local = new();
                public int Depth() => _local.Value + Environment.CurrentManagedThreadId;
            }
            """);
    }
}
