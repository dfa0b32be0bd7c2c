using Xunit;

namespace Tessera.Analyzers.Tests;

/// <summary>TESS0022 to TESS0024: the flow rules, run against the real generated code (an [Async] class's Ref).</summary>
public class FlowRuleTests
{
    [Fact]
    public async Task TESS0022_AsyncObjectWaitingForItself()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Async]
            public partial class Worker
            {
                private Ref? _self;
                private Ref? _peer;

                public virtual void Init(Worker.Ref peer) { _self = new Ref(this); _peer = peer; }
                public virtual int Step() => 1;
                public virtual Task<int> StepAsync() => Task.FromResult(1);
                public virtual void Reset() { }

                public virtual int Direct() => {|TESS0022:new Ref(this).Step().Value|};

                public virtual int ThroughLocals()
                {
                    var self = new Ref(this);
                    Dataflow<int> reply = self.Step();
                    int x = {|TESS0022:reply|};
                    {|TESS0022:self.Reset().Wait()|};
                    return x + {|TESS0022:_self!.Step().GetValue(TimeSpan.FromSeconds(1))|};
                }

                public virtual async Task<int> AwaitsAsync() => {|TESS0022:await _self!.StepAsync()|};

                private Ref? _lazy;
                public virtual int Lazy() { _lazy ??= new Ref(this); return {|TESS0022:_lazy.Step().Value|}; }
            }
            """);
    }

    [Fact]
    public async Task TESS0022_OtherObjectsCallsNotWaitedForAndConstructors_NoDiagnostic()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Async]
            public partial class Worker
            {
                private Ref? _peer;
                private Ref? _either;

                public Worker() { var self = new Ref(this); self.Reset().Wait(); }

                public virtual void Init(Worker.Ref peer) { _peer = peer; _either = new Ref(this); }
                public virtual void Swap(Worker.Ref other) => _either = other;
                public virtual int Step() => 1;
                public virtual void Reset() { }

                public virtual int Peer() => _peer!.Step().Value + _either!.Step().Value;
                public virtual void Fire() { var self = new Ref(this); self.Reset(); }
                public virtual void Later() { var self = new Ref(this); Func<int> later = () => self.Step().Value; }
                public virtual int Reassigned(Worker.Ref other) { var r = new Ref(this); r = other; return r.Step(); }
                public virtual int DirectCall() => Step() + this.Step();
            }

            public static class Outside
            {
                public static int Use(Worker.Ref worker) => worker.Step().Value;
            }
            """);
    }

    [Fact]
    public async Task TESS0023_LockHeldAcrossRemoteCalls()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Stationary] public partial class Bank { public virtual int Balance() => 1; internal int Local() => 2; }
            [Cached] public partial class Tally { public virtual void Add() { } }
            [Async] public partial class Log { public virtual void Write(string line) { } }

            public class Teller
            {
                private readonly object _gate = new();
                private readonly object _inner = new();

                public int Sum(Bank bank, Tally tally, Log.Ref log)
                {
                    lock (_gate)
                    {
                        {|TESS0023:tally.Add()|};
                        {|TESS0023:log.Write("sum")|};
                        lock (_inner) { {|TESS0023:tally.Add()|}; }
                        return {|TESS0023:bank.Balance()|} + bank.Local();
                    }
                }

                public int Monitored(Bank bank)
                {
                    var taken = false;
                    try
                    {
                        Monitor.Enter(_gate, ref taken);
                        return {|TESS0023:bank.Balance()|};
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(_gate);
                    }
                }

                public void Tried(Bank bank)
                {
                    if (!Monitor.TryEnter(_gate)) return;
                    try { {|TESS0023:bank.Balance()|}; }
                    finally { Monitor.Exit(_gate); }
                    bank.Balance();
                }
            }
            """);
    }

    [Fact]
    public async Task TESS0023_CallsOutsideTheLockOrOnThis_NoDiagnostic()
    {
        await FrameworkVerifier.VerifyAsync("""
            [Stationary]
            public partial class Bank
            {
                private int _balance;
                public virtual int Balance() => _balance;
                public virtual int Twice() { lock (this) { return Balance() + this.Balance(); } }
            }

            public class Teller
            {
                private readonly object _gate = new();

                public int Outside(Bank bank)
                {
                    int value;
                    lock (_gate) { value = 1; }
                    Monitor.Enter(_gate);
                    Monitor.Exit(_gate);
                    return value + bank.Balance();
                }

                public Func<int> Deferred(Bank bank)
                {
                    lock (_gate) { return () => bank.Balance(); }
                }
            }
            """);
    }

    [Fact]
    public async Task TESS0024_ArgumentsChangedAfterTheCallCopiedThem()
    {
        await FrameworkVerifier.VerifyAsync("""
            using System.Collections.Generic;
            using System.Text;
            using MemoryPack;

            [MemoryPackable] public partial class Order { public string Name { get; set; } = ""; }

            [Stationary]
            public partial class Store
            {
                public virtual void Save(List<int> items, int[] counts, Order order) { }
                public virtual void Note(StringBuilder text) { }
            }

            [Async] public partial class Audit { public virtual void Record(IList<int> items) { } }

            public static class Use
            {
                public static void Changes(Store store, Audit.Ref audit, List<int> items, StringBuilder text)
                {
                    var counts = new int[2];
                    var order = new Order();
                    store.Save(items, counts, order);
                    {|TESS0024:items.Add(1)|};
                    {|TESS0024:counts[0] = 5|};
                    {|TESS0024:order.Name = "late"|};
                    audit.Record(items);
                    {|TESS0024:items[0]++|};
                    store.Note(text);
                    {|TESS0024:text.Append("late")|};
                    {|TESS0024:Array.Clear(counts)|};
                }

                public static void Finally(Store store, List<int> items)
                {
                    try { store.Save(items, new int[1], new Order()); }
                    finally { {|TESS0024:items.Clear()|}; }
                }
            }
            """);
    }

    [Fact]
    public async Task TESS0024_ChangesBeforeUnreachableOrOnOtherObjects_NoDiagnostic()
    {
        await FrameworkVerifier.VerifyAsync("""
            using System.Collections.Generic;

            [Stationary] public partial class Store { public virtual void Save(List<int> items) { } }
            [Cached] public partial class Cart { public virtual void Fill(List<int> items) { } }

            public static class Use
            {
                public static void Fine(Store store, Cart cart, bool early)
                {
                    var items = new List<int> { 1 };
                    items.Add(2);
                    store.Save(items);
                    var copy = new List<int>(items);
                    copy.Add(3);

                    var local = new List<int>();
                    cart.Fill(local);
                    local.Add(1);

                    var reused = new List<int>();
                    store.Save(reused);
                    reused = new List<int>();
                    reused.Add(1);

                    var branch = new List<int>();
                    if (early)
                    {
                        store.Save(branch);
                        return;
                    }
                    branch.Add(1);

                    var buffer = new List<int>();
                    for (var i = 0; i < 3; i++)
                    {
                        buffer.Add(i);
                        store.Save(buffer);
                    }
                }
            }
            """);
    }
}
