using System;

namespace Tessera;

/// <summary>
/// Explicit control over references to distributed objects. Proxies are collected on their own when
/// nothing here uses them; <see cref="Release"/> returns a proxy's weight at once, which is also how to
/// break a cycle of references between sites, since such cycles are never collected (docs/gc.md).
/// </summary>
public static class RemoteReference
{
    /// <summary>
    /// Ends this site's proxy: its weight goes home (batched), and once every holder has done so the object
    /// is local again at its home. Using or sending the proxy afterwards throws
    /// <see cref="ReferenceReleasedException"/>; a reference that arrives later makes a new proxy.
    /// </summary>
    /// <remarks>An <c>[Async]</c> reference (<c>T.Ref</c>) releases the proxy it calls through; a call made through it afterwards fails with <see cref="ReferenceReleasedException"/>.</remarks>
    /// <returns>True if <paramref name="reference"/> was a live proxy (or an async reference through one); false for a local object or one already released.</returns>
    /// <exception cref="InvalidOperationException">A <c>[Cached]</c> reference holds or awaits the object's state here.</exception>
    public static bool Release(object reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        reference = ProxyOf(reference);
        var handle = Sites.ReferenceTable.HandleOf(reference);
        if (handle is null) return false;
        // Checked and retired in one step: a call on another thread could otherwise ask for the state in between.
        if (reference is Infrastructure.ICachedObject cached && !cached.TesseraState.TryRetire())
            throw new InvalidOperationException($"This {handle} holds or awaits the object's state here; release it once the state has moved on.");
        return handle.Site.References.Release(reference);
    }

    /// <summary>Whether <paramref name="reference"/> is a proxy for an object at another site (as opposed to a local object).</summary>
    public static bool IsRemote(object reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return Sites.ReferenceTable.HandleOf(ProxyOf(reference)) is not null;
    }

    // An async reference is a wrapper the caller holds; the proxy with the weight is behind it.
    private static object ProxyOf(object reference) => reference is Infrastructure.IAsyncReference async ? async.Target : reference;
}
