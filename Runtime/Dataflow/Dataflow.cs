using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Tessera;

/// <summary>
/// A completion-only dataflow variable: what an <c>[Async]</c> method returning <c>void</c> or
/// <c>Task</c> gives its caller. Bound once (binding again is a no-op) or ended by a fault, which
/// <see cref="Wait()"/> and <c>await</c> rethrow.
/// </summary>
public sealed class Dataflow
{
    private static TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(30);

    public Dataflow() : this(new Dataflow<bool>()) { }

    internal Dataflow(Dataflow<bool> inner) => Inner = inner;

    /// <summary>
    /// How long <see cref="Dataflow{T}.Value"/>, the implicit conversion and <see cref="Wait()"/> wait
    /// for a bind before throwing <see cref="DataflowTimeoutException"/>. Reply variables of remote
    /// calls fail sooner, at the call's deadline. Process-wide; 30 s by default.
    /// </summary>
    public static TimeSpan DefaultTimeout
    {
        get => s_defaultTimeout;
        set
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(nameof(value), value, "The default timeout must be positive (or infinite, explicitly).");
            // Every wait would otherwise throw later, where the value is used, far from this setting.
            ThrowIfNoWaitCanTake(value, nameof(value));
            s_defaultTimeout = value;
        }
    }

    /// <summary>Refuses a timeout a blocking wait cannot take: negative (other than infinite), or longer than int.MaxValue milliseconds.</summary>
    internal static void ThrowIfNoWaitCanTake(TimeSpan timeout, string paramName)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(paramName, timeout, "A timeout cannot be negative; use Timeout.InfiniteTimeSpan to wait without one.");
        if (timeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(paramName, timeout, "A timeout can be at most int.MaxValue milliseconds (about 24.8 days), or infinite.");
    }

    /// <summary>A variable that is already bound.</summary>
    public static Dataflow Completed => new(new Dataflow<bool>(true));

    public bool IsBound => Inner.IsBound;

    public bool IsFaulted => Inner.IsFaulted;

    public bool IsDetermined => Inner.IsDetermined;

    /// <summary>The value-carrying variable underneath; how a completion travels between sites.</summary>
    internal Dataflow<bool> Inner { get; }

    /// <summary>Binds (completes) the variable; binding it again does nothing.</summary>
    public void Bind() => Inner.Bind(true);

    public bool TryBind() => Inner.TryBind(true);

    public void Fail(Exception error) => Inner.Fail(error);

    public bool TryFail(Exception error) => Inner.TryFail(error);

    /// <summary>Waits up to <see cref="DefaultTimeout"/>; rethrows the fault.</summary>
    public void Wait() => Inner.GetValue(DefaultTimeout);

    public void Wait(TimeSpan timeout, CancellationToken cancellationToken = default) => Inner.GetValue(timeout, cancellationToken);

    public void OnDetermined(Action<Dataflow> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Inner.OnDetermined(_ => callback(this));
    }

    public Task AsTask() => Inner.AsTask();

    public TaskAwaiter GetAwaiter() => ((Task)Inner.AsTask()).GetAwaiter();

    public ConfiguredTaskAwaitable ConfigureAwait(bool continueOnCapturedContext) => ((Task)Inner.AsTask()).ConfigureAwait(continueOnCapturedContext);

    public override string ToString() => IsBound ? "Dataflow(bound)" : IsFaulted ? "Dataflow(faulted)" : "Dataflow(unbound)";
}
