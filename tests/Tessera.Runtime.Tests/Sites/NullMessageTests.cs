using Xunit;

namespace Tessera.Runtime.Tests.Sites;

/// <summary>An exception may override <see cref="Exception.Message"/> to return null; the wire refuses a null message.</summary>
public sealed class NullMessageException : Exception
{
    public override string Message => null!;
}

[Stationary]
public partial class NullMessageThrower
{
    public virtual int Throw() => throw new NullMessageException();

    public virtual int Ping() => 42;
}

[Async]
public partial class AsyncNullMessageThrower
{
    public virtual int Throw() => throw new NullMessageException();
}

/// <summary>A fault whose exception has no message still travels as a fault, and its connection stays open.</summary>
public sealed class NullMessageTests
{
    [Fact]
    public async Task A_method_that_throws_an_exception_without_a_message_fails_its_call_not_the_connection()
    {
        await using var harness = new SiteHarness();
        var home = await harness.StartSiteAsync();
        var caller = await harness.StartSiteAsync();
        var thrower = await NullMessageThrower.TakeAsync(caller, new NullMessageThrower().Offer(home));
        var asyncThrower = await AsyncNullMessageThrower.TakeAsync(caller, AsyncNullMessageThrower.Create().Offer(home));

        var stationary = Assert.Throws<RemoteException>(() => thrower.Throw());
        var active = await Assert.ThrowsAsync<RemoteException>(async () => await asyncThrower.Throw());

        Assert.Equal(typeof(NullMessageException).FullName, stationary.RemoteTypeName);
        Assert.Equal(typeof(NullMessageException).FullName, active.RemoteTypeName);
        Assert.Equal("", stationary.RemoteMessage);
        Assert.Equal(42, thrower.Ping());
    }

    [Fact]
    public async Task A_shared_variable_failed_with_an_exception_without_a_message_fails_at_the_other_site_too()
    {
        await using var harness = new SiteHarness();
        var manager = await harness.StartSiteAsync();
        var other = await harness.StartSiteAsync();
        // The keeper lives at the other site; the variable, passed from the manager's site, stays managed there.
        var keeper = await VariableKeeper.TakeAsync(manager, new VariableKeeper().Offer(other));
        var variable = new Dataflow<int>();
        keeper.Keep(variable);

        variable.Fail(new NullMessageException());

        var error = await Assert.ThrowsAsync<RemoteException>(() => Task.Run(() => keeper.Read()).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(typeof(NullMessageException).FullName!, error.RemoteTypeName + error.RemoteMessage);
    }
}
