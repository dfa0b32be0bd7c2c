using System.Collections.Generic;

namespace Tessera.Diagnostics;

/// <summary>
/// Counts dataflow variables as they become determined (<c>tessera.dataflow.binds</c>). Each method passes
/// through whether the variable's state changed, so a bind site stays one expression.
/// </summary>
internal static class BindCounter
{
    private static readonly KeyValuePair<string, object?> ValueOutcome = new("outcome", "value");
    private static readonly KeyValuePair<string, object?> FaultOutcome = new("outcome", "fault");

    public static bool Value(bool determined)
    {
        if (determined) TesseraMetrics.DataflowBinds.Add(1, ValueOutcome);
        return determined;
    }

    public static bool Fault(bool determined)
    {
        if (determined) TesseraMetrics.DataflowBinds.Add(1, FaultOutcome);
        return determined;
    }
}
