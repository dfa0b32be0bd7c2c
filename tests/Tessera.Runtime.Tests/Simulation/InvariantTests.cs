using Xunit;

namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// The simulation's checks, fed made-up histories that break each invariant: a check that passes every run
/// must still be shown to fail when it should.
/// </summary>
public sealed class InvariantTests
{
    private static readonly Casualties Nobody = new(new Dictionary<int, int>());

    [Fact]
    public void Stationary_checks_catch_a_call_that_ran_twice_and_a_refused_call_that_ran()
    {
        var findings = new Findings();
        var outcomes = new[] { Ended(Protocol.Stationary, 0, 1, SimLedger.Expected(1)), Failed(Protocol.Stationary, 0, 2, new EntityFaultException("x", FaultState.TempFail, "call", "silent")) };

        StationaryInvariants.Check(outcomes, [1, 1, 2], findings);

        Assert.Contains(findings.Violations, v => v.Contains("#1 ran 2 times"));
        Assert.Contains(findings.Violations, v => v.Contains("refused as not sent, yet home ran it"));
    }

    [Fact]
    public void Cached_checks_catch_a_lost_increment_a_fork_and_a_loss_nobody_caused()
    {
        var lost = new Findings();
        CachedInvariants.Check(Nobody, 0, [Ended(Protocol.Cached, 0, 1, 1), Ended(Protocol.Cached, 1, 2, 2)], Reads([1], [1]), 0, lost);
        Assert.Contains(lost.Violations, v => v.Contains("not in the surviving state: a lost increment"));

        var forked = new Findings();
        CachedInvariants.Check(Nobody, 0, [Ended(Protocol.Cached, 0, 1, 1), Ended(Protocol.Cached, 1, 2, 1)], Reads([1, 2], [1, 2]), 0, forked);
        Assert.Contains(forked.Violations, v => v.Contains("returned the same count"));

        var uncaused = new Findings();
        var gone = Gone(atMs: 0);
        CachedInvariants.Check(Nobody, 0, [], new Dictionary<int, FinalRead> { [0] = gone, [1] = gone }, 0, uncaused);
        Assert.Contains(uncaused.Violations, v => v.Contains("no site that could hold the state crashed"));
    }

    [Fact]
    public void Cached_checks_allow_a_loss_after_a_read_only_when_a_crash_could_cause_it_and_never_a_read_after_a_loss()
    {
        var outcomes = new[] { Ended(Protocol.Cached, 0, 1, 1), Ended(Protocol.Cached, 2, 2, 2) };
        var readThenLost = new Dictionary<int, FinalRead> { [0] = new([1, 2], null, FaultState.Ok, 100), [1] = Gone(atMs: 400) };
        var crashAfterAsking = new Casualties(new Dictionary<int, int> { [2] = 50 });

        var legitimate = new Findings();
        CachedInvariants.Check(crashAfterAsking, 0, outcomes, readThenLost, 0, legitimate);
        Assert.Empty(legitimate.Violations);

        var uncaused = new Findings();
        CachedInvariants.Check(Nobody, 0, outcomes, readThenLost, 0, uncaused);
        Assert.Contains(uncaused.Violations, v => v.Contains("s1 could not read the state"));

        var revived = new Findings();
        var lostThenRead = new Dictionary<int, FinalRead> { [0] = new([1, 2], null, FaultState.Ok, 400), [1] = Gone(atMs: 100) };
        CachedInvariants.Check(crashAfterAsking, 0, outcomes, lostThenRead, 0, revived);
        Assert.Contains(revived.Violations, v => v.Contains("s0 read the state") && v.Contains("after another site was told it was lost"));
    }

    [Fact]
    public void Async_checks_catch_a_call_that_overtook_an_earlier_one_from_the_same_caller()
    {
        var findings = new Findings();

        AsyncInvariants.Check([], [(1, 0), (1, 2), (1, 1)], 0, findings);

        Assert.Contains(findings.Violations, v => v.Contains("ran out of order"));
    }

    [Fact]
    public void Bind_checks_catch_a_variable_bound_twice()
    {
        var findings = new Findings();
        var copies = new Dictionary<(int Site, int Round), Dataflow<int>> { [(0, 0)] = new(5), [(1, 0)] = new(6) };

        BindInvariants.Check(managerAlive: true, [Ended(Protocol.Bind, 0, 5, 5), Ended(Protocol.Bind, 1, 6, 6)], copies, findings);

        Assert.Contains(findings.Violations, v => v.Contains("bound twice"));
        Assert.Contains(findings.Violations, v => v.Contains("returned as the winner"));
    }

    [Fact]
    public void Generic_checks_catch_a_hang_a_late_call_a_stray_exception_a_refusal_naming_Ok_and_a_fault_without_a_cause()
    {
        var findings = new Findings();
        var hung = new OpOutcome(new PlannedOp(Protocol.Stationary, 0, 0, 1, 0), 0);
        var late = Ended(Protocol.Stationary, 0, 2, SimLedger.Expected(2));
        late.EndedMs = OpRecorder.BoundMs + 1;
        var outcomes = new[]
        {
            hung,
            late,
            Failed(Protocol.Stationary, 0, 3, new InvalidOperationException("stray")),
            Failed(Protocol.Stationary, 0, 4, new EntityFaultException("x", FaultState.Ok, "call", "recovered")),
            Failed(Protocol.Stationary, 0, 5, new ConnectionClosedException("closed")),
        };

        findings.RequireEnded(outcomes);
        findings.RequireTyped(outcomes);
        Nobody.RequireCause(outcomes, home: 1, findings);

        Assert.Contains(findings.Violations, v => v.StartsWith("hang:"));
        Assert.Contains(findings.Violations, v => v.StartsWith("late:"));
        Assert.Contains(findings.Violations, v => v.StartsWith("untyped fault:"));
        Assert.Contains(findings.Violations, v => v.StartsWith("refused with state Ok:"));
        Assert.Contains(findings.Violations, v => v.StartsWith("fault without a cause:"));
    }

    [Fact]
    public void Retake_checks_catch_a_released_reference_that_ran_a_call_a_ticket_refused_a_late_take_and_a_site_left_without_the_object()
    {
        var findings = new Findings();
        var released = new object();
        var usedAfterRelease = new RetakeRecord(new PlannedRelease(Protocol.Cached, 1, 100, 40), 100, released) { ReleaseReturned = true, ReleasedMs = 100, UseOfReleasedEnded = true, Fresh = released };
        var late = new TakeAttempt(100) { EndedMs = 100 + (int)(LinkedSites.TakeTimeout + OpRecorder.Margin).TotalMilliseconds + 1 };
        var refused = new TakeAttempt(120) { EndedMs = 130, Error = new TicketNotFoundException(7) };
        var leftWithout = new RetakeRecord(new PlannedRelease(Protocol.Stationary, 2, 100, 41), 100, new object()) { ReleaseReturned = true, ReleasedMs = 100, UseOfReleasedEnded = true, UseOfReleased = new ReferenceReleasedException("x") };
        leftWithout.Takes.AddRange([late, refused]);

        RetakeInvariants.Check([usedAfterRelease, leftWithout], Nobody, new Homes(0, 0, 0, 0), new HashSet<long> { 40 }, findings);

        Assert.Contains(findings.Violations, v => v.Contains("#40") && v.Contains("ran"));
        Assert.Contains(findings.Violations, v => v.Contains("ran instead of throwing ReferenceReleasedException"));
        Assert.Contains(findings.Violations, v => v.Contains("gave back the released proxy"));
        Assert.Contains(findings.Violations, v => v.StartsWith("late: a take"));
        Assert.Contains(findings.Violations, v => v.Contains("TicketNotFoundException") && v.Contains("lived"));
        Assert.Contains(findings.Violations, v => v.Contains("could not be taken again while home s0 lived"));
    }

    [Fact]
    public void Retake_checks_hold_a_dropped_reference_to_its_takes_though_it_made_no_call_after_the_drop()
    {
        var findings = new Findings();
        var dropped = new RetakeRecord(new PlannedRelease(Protocol.Async, 1, 100, 42, Drop: true), 100, null) { DroppedMs = 100, Collections = 1 };
        dropped.Takes.Add(new TakeAttempt(110) { EndedMs = 120, Error = new TicketNotFoundException(7) });

        RetakeInvariants.Check([dropped], Nobody, new Homes(0, 0, 0, 0), new HashSet<long>(), findings);

        Assert.Contains(findings.Violations, v => v.Contains("dropped") && v.Contains("TicketNotFoundException") && v.Contains("lived"));
        Assert.Contains(findings.Violations, v => v.Contains("could not be taken again while home s0 lived"));
        Assert.DoesNotContain(findings.Violations, v => v.Contains("ReferenceReleasedException"));
    }

    private static OpOutcome Ended(Protocol protocol, int site, long id, object value)
        => new(new PlannedOp(protocol, site, 0, id, 0), 0) { EndedMs = 5, Value = value };

    private static OpOutcome Failed(Protocol protocol, int site, long id, Exception error)
        => new(new PlannedOp(protocol, site, 0, id, 0), 0) { EndedMs = 5, Error = error };

    private static Dictionary<int, FinalRead> Reads(long[] first, long[] second)
        => new() { [0] = new FinalRead(first, null, FaultState.Ok, 0), [1] = new FinalRead(second, null, FaultState.Ok, 0) };

    private static FinalRead Gone(int atMs) => new(null, new EntityFaultException("x", FaultState.PermFail, "call", "lost"), FaultState.PermFail, atMs);
}
