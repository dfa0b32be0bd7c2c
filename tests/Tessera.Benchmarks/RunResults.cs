using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Tasks;

namespace Tessera.Benchmarks;

/// <summary>Everything one run measured, as written to results.json.</summary>
/// <param name="LocalReferenceNanos">A virtual call plus an uncontended lock, for the [Cached] local call to be read against.</param>
internal sealed record RunResults(
    DateTimeOffset Date,
    MachineInfo Machine,
    string Mode,
    string LoadAverageAtStart,
    string LoadAverageAtEnd,
    IReadOnlyList<Measurement> Measurements,
    double? LocalReferenceNanos,
    IReadOnlyList<GoalResult> Goals,
    IReadOnlyList<string> Notes)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public Task WriteJsonAsync(string path) => File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));
}
