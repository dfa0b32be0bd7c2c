using System.ComponentModel;

namespace Tessera.Infrastructure;

/// <summary>Implemented by every generated proxy, so the runtime can tell a proxy from a home instance.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDistributedProxy
{
    ProxyHandle TesseraHandle { get; }
}
