using System;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>
/// The child side of <see cref="ChildProcess"/>: after its announcement a server process listens on stdin,
/// answers each <c>stats</c> line with a <see cref="ProcessSample"/> of itself, and ends when stdin closes,
/// which happens when the parent exits or dies.
/// </summary>
internal static class ChildControl
{
    public const string StatsRequest = "stats";

    /// <summary>Completes when the parent has gone. Nothing else in a child may write to stdout.</summary>
    public static Task RunAsync() => Task.Run(async () =>
    {
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line == StatsRequest) await Console.Out.WriteLineAsync(ProcessSample.Current().ToLine());
        }
    });
}
