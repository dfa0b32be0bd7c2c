using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Tessera.Benchmarks;

/// <summary>The command line of a benchmark run (the child processes' verbs are handled before this).</summary>
internal sealed record RunOptions(RunSettings Settings, string OutDirectory, string? PublishDirectory, bool SkipOrleans, bool SkipGrpc, IReadOnlyList<string> Only)
{
    public const string Usage = "usage: Tessera.Benchmarks [--quick] [--out DIR] [--publish | --no-publish] [--no-orleans] [--no-grpc] [--only ID-PREFIX[,ID-PREFIX...]]";

    /// <summary>Null, with the reason on stderr, when the arguments do not parse.</summary>
    public static RunOptions? Parse(string[] args)
    {
        var (settings, skipOrleans, skipGrpc) = (RunSettings.Full, false, false);
        string? outDirectory = null;
        bool? publish = null;
        var only = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    settings = RunSettings.Quick;
                    break;
                case "--out" when i + 1 < args.Length:
                    outDirectory = args[++i];
                    break;
                case "--publish":
                    publish = true;
                    break;
                case "--no-publish":
                    publish = false;
                    break;
                case "--no-orleans":
                    skipOrleans = true;
                    break;
                case "--no-grpc":
                    skipGrpc = true;
                    break;
                case "--only" when i + 1 < args.Length:
                    only.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return null;
            }
        }
        var root = RepositoryRoot();
        // Only a full run of the whole suite may replace the figures the README shows.
        var publishes = publish ?? (settings == RunSettings.Full && only.Count == 0 && !skipOrleans && !skipGrpc);
        if (publishes && root is null) Console.Error.WriteLine("Not publishing: no Sdk.sln above the current directory.");
        return new RunOptions(settings, outDirectory ?? Path.Combine(root ?? ".", "artifacts", "bench"),
            publishes && root is not null ? Path.Combine(root, "docs", "benchmarks") : null, skipOrleans, skipGrpc, only);
    }

    /// <summary>Whether a workload (or a scenario, by the prefix its workloads' ids share) is part of this run.</summary>
    public bool Includes(string id) => Only.Count == 0 || Only.Any(f => id.StartsWith(f, StringComparison.Ordinal) || f.StartsWith(id, StringComparison.Ordinal));

    private static string? RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln"))) return directory.FullName;
        }
        return null;
    }
}
