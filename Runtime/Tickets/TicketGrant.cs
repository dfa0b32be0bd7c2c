namespace Tessera.Tickets;

/// <summary>What a successful <see cref="TicketTable.Redeem"/> hands to the site runtime.</summary>
internal readonly record struct TicketGrant(ulong ObjectKey, string TypeName, ulong TypeFingerprint, bool Unlimited);
