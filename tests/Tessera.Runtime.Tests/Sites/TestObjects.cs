using Tessera;

namespace Tessera.Runtime.Tests.Sites;

[Stationary]
public partial class Greeter
{
    private int _greetings;
    private int _hangsStopped;

    public virtual string Greet(string name)
    {
        Interlocked.Increment(ref _greetings);
        return $"hello {name}";
    }

    public virtual int Greetings() => Volatile.Read(ref _greetings);

    public virtual string Repeat(char character, int count) => new(character, count);

    public virtual Task<string> GreetAsync(string name) => Task.FromResult(Greet(name));

    /// <summary>Busy for <paramref name="milliseconds"/> whatever happens: it takes no token, so only time ends it.</summary>
    public virtual async Task<int> OccupyAsync(int milliseconds)
    {
        await Task.Delay(milliseconds);
        return milliseconds;
    }

    public virtual void Fail(string why) => throw new InvalidOperationException(why);

    /// <summary>Throws an exception whose message is <paramref name="length"/> characters, made here.</summary>
    public virtual void FailAtLength(int length) => throw new InvalidOperationException(new string('x', length));

    /// <summary>Never returns by itself: only the call's deadline or cancellation ends it.</summary>
    public virtual async Task<int> HangAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _hangsStopped);
            throw;
        }
        return 0;
    }

    /// <summary>How many <see cref="HangAsync"/> calls here saw their token cancelled.</summary>
    public virtual int HangsStopped() => Volatile.Read(ref _hangsStopped);

    public virtual string Introduce(Greeter other, string name) => other.Greet(name) + " via " + Greet("me");
}
