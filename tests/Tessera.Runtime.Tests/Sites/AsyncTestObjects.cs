using Tessera;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>An active object that records what the executor does: order, overlap and failures.</summary>
[Async]
public partial class Sequencer
{
    private int _last = -1;
    private int _outOfOrder;
    private int _count;
    private int _inside;
    private int _overlaps;

    public Sequencer() { }

    public Sequencer(int start) => _last = start - 1;

    public virtual void Record(int sequence)
    {
        Enter();
        if (sequence <= _last) _outOfOrder++;
        _last = sequence;
        _count++;
        Leave();
    }

    [OneWay]
    public virtual void Note(int sequence) => Record(sequence);

    [OneWay]
    public virtual void NoteUnlessCancelled(int sequence, CancellationToken cancellationToken) => Record(sequence);

    public virtual int OutOfOrder() => _outOfOrder;

    public virtual int Count() => _count;

    public virtual int Overlaps() => _overlaps;

    public virtual int Add(int a, int b) => a + b;

    public virtual string Repeat(char c, int count) => new(c, count);

    public virtual int FailAtLength(int length) => throw new InvalidOperationException(new string('x', length));

    public virtual int Divide(int a, int b) => a / b;

    public virtual async Task<int> SlowAsync(int milliseconds)
    {
        Enter();
        await Task.Delay(milliseconds);
        Leave();
        return milliseconds;
    }

    /// <summary>Ends only by its token: for connection-loss tests.</summary>
    public virtual async Task HangAsync(CancellationToken cancellationToken) => await Task.Delay(Timeout.Infinite, cancellationToken);

    public virtual int Sum(Dataflow<int> a, Dataflow<int> b) => a + b;

    private void Enter()
    {
        if (Interlocked.Increment(ref _inside) > 1) Interlocked.Increment(ref _overlaps);
    }

    private void Leave() => Interlocked.Decrement(ref _inside);
}

/// <summary>Holds a dataflow variable it was given, so other sites can bind and read it here.</summary>
[Stationary]
public partial class VariableKeeper
{
    private Dataflow<int>? _variable;

    public virtual void Keep(Dataflow<int> variable) => _variable = variable;

    public virtual void Bind(int value) => _variable!.Bind(value);

    public virtual bool TryBind(int value) => _variable!.TryBind(value);

    public virtual bool TryFail(string why) => _variable!.TryFail(new InvalidOperationException(why));

    public virtual int Read() => _variable!.Value;

    public virtual Dataflow<int> Fresh() => _variable = new Dataflow<int>();
}

/// <summary>Holds a variable whose values have no value equality (arrays) or cross sites as references.</summary>
[Stationary]
public partial class ReferenceVariableKeeper
{
    private Dataflow<int[]>? _numbers;
    private Dataflow<Greeter>? _greeter;

    public virtual void KeepNumbers(Dataflow<int[]> variable) => _numbers = variable;

    public virtual void BindNumbers(int[] value) => _numbers!.Bind(value);

    /// <summary>Binds to an array made here, so only the bind itself carries its size.</summary>
    public virtual void BindZeros(int count) => _numbers!.Bind(new int[count]);

    public virtual int[] ReadNumbers() => _numbers!.Value;

    public virtual void KeepGreeter(Dataflow<Greeter> variable) => _greeter = variable;

    public virtual string GreetThroughVariable(string name) => _greeter!.Value.Greet(name);
}
