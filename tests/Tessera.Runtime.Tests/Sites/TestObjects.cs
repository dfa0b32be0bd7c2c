using Tessera;

namespace Tessera.Runtime.Tests.Sites;

[Stationary]
public partial class Greeter
{
    private int _greetings;

    public virtual string Greet(string name)
    {
        Interlocked.Increment(ref _greetings);
        return $"hello {name}";
    }

    public virtual int Greetings() => Volatile.Read(ref _greetings);

    public virtual string Repeat(char character, int count) => new(character, count);

    public virtual void Fail(string why) => throw new InvalidOperationException(why);

    /// <summary>Never returns by itself: only the call's deadline or cancellation ends it.</summary>
    public virtual async Task<int> HangAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }

    public virtual string Introduce(Greeter other, string name) => other.Greet(name) + " via " + Greet("me");
}
