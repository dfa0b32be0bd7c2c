using System.Buffers;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Wire;

/// <summary>
/// MemoryPack reads null for any array or string a sender wrote as null. A message missing a field every
/// message of its type carries is refused when decoded, by name, before any handler can trip over it.
/// </summary>
public sealed class WireCodecTests
{
    public static TheoryData<string, string> MessagesWithANullField => new()
    {
        { nameof(CallRequest), "its Arguments is null" },
        { nameof(CallReply), "its Result is null" },
        { nameof(CallFault), "its Message is null" },
        { nameof(AsyncCall), "its Arguments is null" },
        { nameof(AsyncReply), "its Result is null" },
        { nameof(AsyncFault), "its ExceptionType is null" },
        { nameof(TakeRequest), "its Secret is null" },
        { nameof(TakeReply), "its ActualTypeName is null" },
        { nameof(WeightReturn), "its Mantissas is null" },
        { nameof(LeaseRenewal), "its Keys is null" },
        { nameof(StateRequest), "its RequesterHints holds a null" },
        { nameof(StateForward), "its SuccessorHints is null" },
        { nameof(StateToken), "its State is null" },
        { nameof(StateLost), "its Reason is null" },
        { nameof(StateReroute), "its SuccessorHints holds a null" },
        { nameof(VariableBind), "its Outcome is null" },
        { nameof(VariableBound), "its Outcome.FaultMessage is null" },
    };

    /// <summary>One message of each type with a required field null, the way a hostile or broken peer could send it.</summary>
    internal static WireMessage WithANullField(string type) => type switch
    {
        nameof(CallRequest) => new CallRequest { CallId = 1, Arguments = null! },
        nameof(CallReply) => new CallReply { CallId = 1, Result = null! },
        nameof(CallFault) => new CallFault { CallId = 1, ExceptionType = "x", Message = null! },
        nameof(AsyncCall) => new AsyncCall { CallId = 1, Arguments = null! },
        nameof(AsyncReply) => new AsyncReply { CallId = 1, Result = null! },
        nameof(AsyncFault) => new AsyncFault { CallId = 1, ExceptionType = null! },
        nameof(TakeRequest) => new TakeRequest { RequestId = 1, Secret = null!, TypeName = "x" },
        nameof(TakeReply) => new TakeReply { RequestId = 1, ActualTypeName = null! },
        nameof(WeightReturn) => new WeightReturn { Keys = [1], Counts = [1], Levels = [0], Mantissas = null! },
        nameof(LeaseRenewal) => new LeaseRenewal { Keys = null! },
        nameof(StateRequest) => new StateRequest { ObjectKey = 1, RequesterHints = ["127.0.0.1:1", null!] },
        nameof(StateForward) => new StateForward { ObjectKey = 1, SuccessorHints = null! },
        nameof(StateToken) => new StateToken { ObjectKey = 1, State = null! },
        nameof(StateLost) => new StateLost { ObjectKey = 1, Reason = null! },
        nameof(StateReroute) => new StateReroute { ObjectKey = 1, SuccessorHints = [null!] },
        nameof(VariableBind) => new VariableBind { Key = 1, Outcome = null! },
        nameof(VariableBound) => new VariableBound { Key = 1, Outcome = new VariableOutcome { IsFault = true, FaultType = "x", FaultMessage = null! } },
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    [Theory]
    [MemberData(nameof(MessagesWithANullField))]
    public void A_message_without_a_required_field_is_refused_by_name(string type, string missing)
    {
        var frame = WireCodec.Encode(WithANullField(type)).Memory.ToArray();

        var error = Assert.Throws<ProtocolViolationException>(() => WireCodec.Decode(new ReadOnlySequence<byte>(frame)));

        Assert.Equal($"A frame of {frame.Length} bytes is not a valid Tessera message: it is a {type}, but {missing}.", error.Message);
    }

    [Fact]
    public void Fields_that_may_be_null_and_empty_arrays_decode()
    {
        var call = new AsyncCall { CallId = 1, Arguments = [], TraceContext = null };
        var fault = new CallFault { CallId = 2, ExceptionType = "x", Message = "", StackTrace = null };
        var bound = new VariableBound { Key = 3, Outcome = new VariableOutcome { Value = [], FaultStackTrace = null } };

        foreach (var message in new WireMessage[] { call, fault, bound })
            Assert.IsType(message.GetType(), WireCodec.Decode(new ReadOnlySequence<byte>(WireCodec.Encode(message).Memory.ToArray())));
    }
}
