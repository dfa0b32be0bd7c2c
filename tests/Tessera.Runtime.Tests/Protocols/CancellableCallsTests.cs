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

        Assert.True(Token(call).IsCancellationRequested);
        Assert.True(call.IsCancellationRequested);
        call.End();
        Assert.Equal(0, calls.Count);
    }

    [Fact]
    public async Task A_CancelCall_after_the_method_asked_cancels_its_token_and_one_for_another_call_does_not()
    {
        var calls = new CancellableCalls();
        var call = Call(calls, callId: 7);
        var token = Token(call);
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
        Assert.Equal(CancellationToken.None, Token(call));
    }

    [Fact]
    public void A_context_kept_past_its_call_gets_no_token_from_the_call_that_reuses_its_object()
    {
        var calls = new CancellableCalls();
        var call = Call(calls, callId: 7);
        var first = call.Context(null!);
        call.End();
        call.Clear();

        Begin(call, callId: 8);
        Assert.Equal(CancellationToken.None, first.CancellationToken);
        Assert.Equal(0, calls.Count);

        var second = Token(call);
        Assert.NotEqual(CancellationToken.None, second);
        Assert.Equal(second, call.Context(null!).CancellationToken);
        call.End();
    }

    [Fact]
    public void A_CancelCall_for_an_ended_call_does_not_cancel_the_call_that_reuses_its_object()
    {
        var calls = new CancellableCalls();
        var call = Call(calls, callId: 7);
        _ = Token(call);
        call.End();
        call.Clear();
        Begin(call, callId: 8);
        var token = Token(call);

        call.Cancel(null!, 7);
        calls.Cancel(null!, 7);

        Assert.False(token.IsCancellationRequested);
        Assert.False(call.IsCancellationRequested);
        call.End();
        Assert.Equal(0, calls.Count);
    }

    private static RunningCall Call(CancellableCalls calls, long callId)
    {
        var call = new RunningCall(null!, calls, TimeProvider.System);
        Begin(call, callId);
        return call;
    }

    private static void Begin(RunningCall call, long callId)
    {
        call.Begin(null!, new ReceivedCall(callId, 1, 2, 30_000, default, null), target: null);
        call.StartTimeout(TimeSpan.FromSeconds(30));
    }

    private static CancellationToken Token(RunningCall call) => call.Context(null!).CancellationToken;
}
