using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Tessera.Diagnostics;
using Tessera.Protocols.Variables;

namespace Tessera;

/// <summary>
/// A single-assignment (dataflow) variable: unbound, then bound once to a value or ended by a fault.
/// Use it as if it were the value: <c>int x = x1 + x2;</c> waits until both are bound, and a fault is
/// rethrown where the value is used. Passed to another site while unbound, it stays one variable: its
/// manager is the site that created it, and a bind on any site is seen on all.
/// </summary>
/// <remarks>
/// Continuations never run inside <see cref="Bind"/> or on a connection's reader: a binder cannot be
/// hijacked by the code waiting for the value, and blocking reads (<see cref="Value"/>) never need the
/// blocked thread to make progress, so they cannot deadlock on a synchronization context.
/// </remarks>
public sealed class Dataflow<T>
{
    private const int Unbound = 0;
    private const int Determining = 1;
    private const int Bound = 2;
    private const int Faulted = 3;

    private int _status;
    private T _value = default!;
    private ExceptionDispatchInfo? _fault;

    // Made only when someone waits, awaits or asks for a task: a reply variable that is bound before it is
    // used (the common case for pipelined calls) never needs one.
    private TaskCompletionSource<T>? _waiters;

    /// <summary>A new unbound variable.</summary>
    public Dataflow() { }

    /// <summary>A variable already bound to <paramref name="value"/>.</summary>
    public Dataflow(T value)
    {
        _value = value;
        _status = Bound;
    }

    /// <summary>Whether the variable holds a value.</summary>
    public bool IsBound => Volatile.Read(ref _status) == Bound;

    /// <summary>Whether the variable ended in a fault, which using it rethrows.</summary>
    public bool IsFaulted => Volatile.Read(ref _status) == Faulted;

    /// <summary>Whether the variable is bound or faulted: it will never change again.</summary>
    public bool IsDetermined => Volatile.Read(ref _status) >= Bound;

    /// <summary>
    /// The value: waits up to <see cref="Dataflow.DefaultTimeout"/> for the bind. Rethrows the
    /// variable's fault; throws <see cref="DataflowTimeoutException"/> if nobody binds it in time.
    /// </summary>
    public T Value => GetValue(Dataflow.DefaultTimeout);

    /// <summary>Set on a proxy: binds go to the manager and this copy is bound by the manager's answer.</summary>
    internal VariableProxy<T>? Proxy { get; set; }

    /// <summary>The manager's side of this variable, made the first time it is sent while unbound; exported only while other sites refer to it.</summary>
    internal ExportedVariable<T>? Export { get; set; }

    /// <summary>Waits for the value up to <paramref name="timeout"/> or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or longer than int.MaxValue milliseconds, whether or not the variable is bound yet.</exception>
    public T GetValue(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Dataflow.ThrowIfNoWaitCanTake(timeout, nameof(timeout));
        if (!IsDetermined)
        {
            bool done;
            try
            {
                done = Waiters().Wait(timeout, cancellationToken);
            }
            catch (AggregateException)
            {
                done = true;
            }
            if (!done) throw new DataflowTimeoutException(timeout);
        }
        if (Volatile.Read(ref _status) == Faulted) _fault!.Throw();
        return _value;
    }

    /// <summary>
    /// Binds the variable. Binding it again to an equal value (by <see cref="EqualityComparer{T}.Default"/>)
    /// does nothing; to a different value throws <see cref="DataflowBindingConflictException"/>. On a site
    /// that is not the variable's manager this waits (up to the site's call timeout) for the manager to
    /// decide which bind came first.
    /// </summary>
    public void Bind(T value)
    {
        if (!TryBind(value)) throw Refusal(value);
    }

    /// <summary>As <see cref="Bind"/>, but returns false instead of throwing when the variable holds something else.</summary>
    public bool TryBind(T value)
    {
        if (Proxy is { } proxy)
        {
            // The manager's value arrives decoded: a copy, which a type without value equality (an array) never equals.
            var won = !IsDetermined && proxy.RequestBind(this, value);
            return won || Matches(value);
        }
        return BindCounter.Value(TrySet(value)) || Matches(value);
    }

    /// <summary>The asynchronous <see cref="Bind"/>: on a proxy site it awaits the manager's decision instead of blocking.</summary>
    public async Task BindAsync(T value, CancellationToken cancellationToken = default)
    {
        bool won;
        if (Proxy is { } proxy)
        {
            won = !IsDetermined && await proxy.RequestBindAsync(this, value, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            won = BindCounter.Value(TrySet(value));
        }
        if (!won && !Matches(value)) throw Refusal(value);
    }

    /// <summary>Ends the variable in a fault, rethrown wherever the value is used. Throws if it is already bound, or faulted with another fault.</summary>
    public void Fail(Exception error)
    {
        if (!TryFail(error)) throw new DataflowBindingConflictException("a fault (" + error.Message + ")", Describe());
    }

    /// <summary>
    /// Ends the variable in a fault unless it is already determined; returns whether it ended with this fault. A fault
    /// equal to the one that ended it (same type and message) counts as this one, as an equal value does
    /// for <see cref="TryBind"/>: at the manager, or when sites fail the variable at once.
    /// </summary>
    public bool TryFail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (Proxy is { } proxy)
        {
            return !IsDetermined && proxy.RequestFail(this, error);
        }
        return BindCounter.Fault(TrySetFault(error)) || MatchesFault(error);
    }

    /// <summary>Runs <paramref name="callback"/> once the variable is determined (at once, on the thread pool, if it already is).</summary>
    /// <remarks>An exception escaping the callback is unhandled, as in an event handler: catch inside it.</remarks>
    public void OnDetermined(Action<Dataflow<T>> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Waiters().ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => callback(this));
    }

    /// <summary>The variable as a task, for <c>Task.WhenAll</c> and friends.</summary>
    public Task<T> AsTask() => Waiters();

    public TaskAwaiter<T> GetAwaiter() => Waiters().GetAwaiter();

    public ConfiguredTaskAwaitable<T> ConfigureAwait(bool continueOnCapturedContext) => Waiters().ConfigureAwait(continueOnCapturedContext);

    /// <summary>Uses the variable as its value: blocks as <see cref="Value"/> does.</summary>
    public static implicit operator T(Dataflow<T> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return variable.Value;
    }

    public override string ToString() => $"Dataflow<{typeof(T).Name}>({Describe()})";

    /// <summary>Binds from the protocol (the manager's decision, a reply): never forwards to a manager.</summary>
    internal bool TrySetFromProtocol(T value) => BindCounter.Value(TrySet(value));

    internal bool TryFailFromProtocol(Exception error) => BindCounter.Fault(TrySetFault(error));

    internal Task Determined => Waiters();

    internal bool TryGetValue(out T value)
    {
        if (SettledStatus() == Bound)
        {
            value = _value;
            return true;
        }
        value = default!;
        return false;
    }

    internal Exception? Fault => IsFaulted ? _fault!.SourceException : null;

    private bool Matches(T value) => TryGetValue(out var existing) && EqualityComparer<T>.Default.Equals(existing, value);

    private bool MatchesFault(Exception error)
        => Fault is { } held && held.GetType() == error.GetType() && held.Message == error.Message;

    private DataflowBindingConflictException Conflict(T value) => new(value?.ToString() ?? "null", Describe());

    /// <summary>
    /// Why a bind did not take: another value or fault got there first (a conflict), or, on a proxy site, the variable
    /// ended here for a reason of this site's own (its manager failed, the value could not be decoded), which is rethrown.
    /// </summary>
    private Exception Refusal(T value)
        => Proxy is not null && Fault is TesseraException local and not RemoteException and not DataflowBindingConflictException ? local : Conflict(value);

    private string Describe() => SettledStatus() switch
    {
        Bound => _value?.ToString() ?? "null",
        Faulted => "a fault (" + _fault!.SourceException.Message + ")",
        _ => "unbound",
    };

    /// <summary>
    /// The status once a bind in progress has landed: a binder that lost the race to an equal value must see
    /// the winner's value, not "unbound", or it would report a conflict that is not there.
    /// </summary>
    private int SettledStatus()
    {
        var status = Volatile.Read(ref _status);
        if (status != Determining) return status;
        var spin = new SpinWait();
        while ((status = Volatile.Read(ref _status)) == Determining) spin.SpinOnce();
        return status;
    }

    private bool TrySet(T value)
    {
        if (Interlocked.CompareExchange(ref _status, Determining, Unbound) != Unbound) return false;
        _value = value;
        // A full fence: a waiter that made its task after this reads the status as bound, and one that made it
        // before is seen here.
        Interlocked.Exchange(ref _status, Bound);
        Volatile.Read(ref _waiters)?.TrySetResult(value);
        return true;
    }

    private bool TrySetFault(Exception error)
    {
        if (Interlocked.CompareExchange(ref _status, Determining, Unbound) != Unbound) return false;
        _fault = ExceptionDispatchInfo.Capture(error);
        Interlocked.Exchange(ref _status, Faulted);
        Volatile.Read(ref _waiters)?.TrySetException(error);
        return true;
    }

    /// <summary>The task that completes with the variable; continuations never run inside a bind.</summary>
    private Task<T> Waiters()
    {
        var waiters = Volatile.Read(ref _waiters);
        if (waiters is null)
        {
            var created = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters = Interlocked.CompareExchange(ref _waiters, created, null) ?? created;
        }
        // The binder may have finished before the task existed: completing it twice is harmless.
        switch (Volatile.Read(ref _status))
        {
            case Bound:
                waiters.TrySetResult(_value);
                break;
            case Faulted:
                waiters.TrySetException(_fault!.SourceException);
                break;
        }
        return waiters.Task;
    }
}
