using System;
using System.Threading;
using System.Threading.Tasks;
using Tessera;

namespace Tessera.TestHost;

/// <summary>A stationary object with the behaviours integration tests need from a remote process.</summary>
[Stationary]
public partial class Calculator
{
    private int _calls;

    public virtual int Add(int a, int b)
    {
        Interlocked.Increment(ref _calls);
        return a + b;
    }

    public virtual int Divide(int a, int b)
    {
        Interlocked.Increment(ref _calls);
        if (b == 0) throw new DivideByZeroException($"cannot divide {a} by zero");
        return a / b;
    }

    /// <summary>Takes as long as asked, so a test can kill this process while a call is pending.</summary>
    public virtual async Task<int> DelayAsync(int milliseconds, CancellationToken cancellationToken)
    {
        await Task.Delay(milliseconds, cancellationToken);
        return milliseconds;
    }

    public virtual int Calls() => Volatile.Read(ref _calls);

    public virtual int ProcessId() => Environment.ProcessId;

    /// <summary>Hands out another stationary object, which must arrive as a reference.</summary>
    public virtual Counter CreateCounter(string name) => new(name);

    /// <summary>Takes a reference and calls it back on its own site.</summary>
    public virtual int Bump(Counter counter, int times)
    {
        for (var i = 0; i < times; i++) counter.Increment();
        return counter.Value();
    }

    /// <summary>Returns what it was given: a reference that came home must be the original instance.</summary>
    public virtual Counter Echo(Counter counter) => counter;
}

[Stationary]
public partial class Counter
{
    private readonly string _name;
    private int _value;

    public Counter(string name) => _name = name;

    public virtual string Name() => _name;

    public virtual void Increment() => Interlocked.Increment(ref _value);

    public virtual int Value() => Volatile.Read(ref _value);
}
