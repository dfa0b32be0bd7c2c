namespace Tessera.Generators.Parsing;

internal static class KnownNames
{
    public const string StationaryAttribute = "Tessera.StationaryAttribute";
    public const string CachedAttribute = "Tessera.CachedAttribute";
    public const string AsyncAttribute = "Tessera.AsyncAttribute";
    public const string Task = "System.Threading.Tasks.Task";
    public const string ValueTask = "System.Threading.Tasks.ValueTask";
    public const string CancellationToken = "System.Threading.CancellationToken";
}
