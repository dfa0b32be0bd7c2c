namespace Tessera.Generators.Model;

/// <summary>Names of the incremental steps, so tests can check what was cached.</summary>
public static class TrackingNames
{
    public const string StationaryClasses = nameof(StationaryClasses);
    public const string StationaryModels = nameof(StationaryModels);
    public const string StationaryHintNames = nameof(StationaryHintNames);
    public const string CachedClasses = nameof(CachedClasses);
    public const string CachedModels = nameof(CachedModels);
    public const string CachedHintNames = nameof(CachedHintNames);
    public const string AsyncClasses = nameof(AsyncClasses);
    public const string AsyncModels = nameof(AsyncModels);
    public const string AsyncHintNames = nameof(AsyncHintNames);
}
