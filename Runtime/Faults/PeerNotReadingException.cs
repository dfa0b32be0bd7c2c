namespace Tessera;

/// <summary>
/// Why a site closed a connection: more of the messages it owed the peer (an <c>[Async]</c> call's result, GC and
/// dataflow messages) waited for room in the full send queue than <c>TransportOptions.MaxMessagesWaitingForRoom</c>
/// allows. The peer sends much faster than it reads, or reads nothing. Only that connection is closed; its pending
/// calls at the peer fail with <see cref="ConnectionClosedException"/>.
/// </summary>
public sealed class PeerNotReadingException : TesseraException
{
    public PeerNotReadingException(string message) : base(message) { }
}
