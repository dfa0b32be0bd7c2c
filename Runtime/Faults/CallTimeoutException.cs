using System;

namespace Tessera;

/// <summary>
/// A call got no reply before its deadline. <see cref="MayHaveRun"/> says whether it could have run at home:
/// false only when the call provably never left this site, so sending it again cannot run it twice.
/// </summary>
public sealed class CallTimeoutException : TesseraException
{
    /// <summary>A call that timed out after it was sent, or at a stage that cannot tell: it may have run.</summary>
    public CallTimeoutException(string operation, TimeSpan deadline, Exception? innerException = null)
        : this(operation, deadline, mayHaveRun: true, innerException)
    {
    }

    /// <summary>A call that timed out; <paramref name="mayHaveRun"/> is false only if it never left this site.</summary>
    public CallTimeoutException(string operation, TimeSpan deadline, bool mayHaveRun, Exception? innerException = null)
        : base(mayHaveRun
            ? $"{operation} got no reply within {deadline.TotalMilliseconds:0} ms; it may or may not have run at home."
            : $"{operation} was not sent within {deadline.TotalMilliseconds:0} ms; it did not run at home.", innerException)
    {
        Deadline = deadline;
        MayHaveRun = mayHaveRun;
    }

    public TimeSpan Deadline { get; }

    /// <summary>Whether the call may have run at home; false when it timed out before it was sent.</summary>
    public bool MayHaveRun { get; }
}
