using System.ComponentModel;
using Tessera.Protocols.Migratory;

namespace Tessera.Infrastructure;

/// <summary>Implemented by the generated subclass of every <c>[Cached]</c> class: its instances carry their protocol state.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ICachedObject
{
    MigratoryProxy TesseraState { get; }
}
