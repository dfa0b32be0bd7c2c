namespace Tessera.Wire;

/// <summary>The kinds of wire message, as counted per site.</summary>
public enum MessageKind
{
    Call = 0,
    Reply = 1,
    Take = 2,
    TakeReply = 3,
    Cancel = 4,
}
