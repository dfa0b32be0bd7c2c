using System;

namespace Tessera.Samples.Coder;

/// <summary>Which distribution attribute the Coder is served and taken with (<c>--mode</c>).</summary>
internal enum CoderMode
{
    /// <summary>[Stationary] <see cref="Coder"/>: each Get is a blocking round trip.</summary>
    Stationary,

    /// <summary>[Cached] <see cref="CachedCoder"/>: the first Get moves the state here; later ones send nothing.</summary>
    Cached,

    /// <summary>[Async] <see cref="AsyncCoder"/>: all Gets are fired first, then each value is used.</summary>
    Async,
}

internal static class CoderModes
{
    public const string Names = "stationary|cached|async";

    /// <summary>Null for an unknown name; a new mode is one more line here and one more case in the commands.</summary>
    public static CoderMode? Parse(string text) => text switch
    {
        "stationary" => CoderMode.Stationary,
        "cached" => CoderMode.Cached,
        "async" => CoderMode.Async,
        _ => null,
    };
}
