namespace Tessera.Generators.Model;

/// <summary>Names of the incremental steps, so tests can check what was cached.</summary>
public static class TrackingNames
{
    public const string StationaryClasses = nameof(StationaryClasses);
    public const string StationaryModels = nameof(StationaryModels);
    public const string CachedClasses = nameof(CachedClasses);
    public const string CachedModels = nameof(CachedModels);
    public const string AsyncClasses = nameof(AsyncClasses);
    public const string AsyncModels = nameof(AsyncModels);
}
