using System.Text;

namespace Tessera.Generators.Parsing;

/// <summary>FNV-1a over UTF-8: stable across runs, machines and .NET versions, unlike string.GetHashCode.</summary>
internal static class StableHash
{
    public static uint Hash32(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return hash;
    }

    public static ulong Hash64(string text)
    {
        var hash = 14695981039346656037ul;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211ul;
        }
        return hash;
    }
}
