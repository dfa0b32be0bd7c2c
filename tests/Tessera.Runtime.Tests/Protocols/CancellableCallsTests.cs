using Tessera.Infrastructure;
using Tessera.Protocols.Stationary;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Protocols;

public sealed class CancellableCallsTests
{
    [Fact]
    public void A_CancelCall_that_comes_before_the_method_asks_for_its_token_cancels_the_token_it_gets()
    {
        var calls = new CancellableCalls();
        var call = Call(calls, callId: 7);

        calls.Cancel(null!, 7);

        Assert.True(call.Token.IsCancellationRequested);
        Assert.True(call.IsCancellationRequested);
        call.End();
        Assert.Equal(0, calls.Count);
    }

    [Fact]
    public async Task A_CancelCall_after_the_method_asked_cancels_its_token_and_one_for_another_call_does_not()
    {
        var calls = new CancellableCalls();
        var call = Call(calls, callId: 7);
        var token = call.Token;
        Assert.Equal(1, calls.Count);

        calls.Cancel(null!, 8);
        Assert.False(token.IsCancellationRequested);
        calls.Cancel(null!, 7);

        // Cancelled off the reader loop, since token callbacks are user code.
        await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(call.IsCancellationRequested);
        call.End();
        Assert.Equal(0, calls.Count);
    }

    [Fact]
    public void A_call_whose_method_never_asks_for_its_token_never_enters_the_table()
    {
        var calls = new CancellableCalls();
        var call = Call(calls, callId: 7);

        call.End();

        Assert.Equal(0, calls.Count);
        Assert.Equal(CancellationToken.None, call.Token);
    }

    private static RunningCall Call(CancellableCalls calls, long callId)
    {
        var call = new RunningCall(null!, calls, TimeProvider.System, null!, new ReceivedCall(callId, 1, 2, 30_000, default, null));
        call.StartTimeout(TimeSpan.FromSeconds(30));
        return call;
    }
}
