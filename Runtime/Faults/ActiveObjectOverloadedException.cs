namespace Tessera;

/// <summary>An active object's mailbox was full when a remote call arrived; the call did not run.</summary>
public sealed class ActiveObjectOverloadedException : TesseraException
{
    public ActiveObjectOverloadedException(string message) : base(message) { }
}
