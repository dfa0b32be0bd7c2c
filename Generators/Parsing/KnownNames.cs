namespace Tessera.Generators.Parsing;

internal static class KnownNames
{
    public const string StationaryAttribute = "Tessera.StationaryAttribute";
    public const string CachedAttribute = "Tessera.CachedAttribute";
    public const string AsyncAttribute = "Tessera.AsyncAttribute";
    public const string OneWayAttribute = "Tessera.OneWayAttribute";
    public const string Dataflow = "Tessera.Dataflow";
    public const string DataflowOfT = "Tessera.Dataflow<T>";
    public const string Task = "System.Threading.Tasks.Task";
    public const string ValueTask = "System.Threading.Tasks.ValueTask";
    public const string CancellationToken = "System.Threading.CancellationToken";
}
