using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Tessera.Analyzers;

/// <summary>
/// Whether one operation can run after another, on a function's control flow graph. The graph holds its own,
/// lowered copies of the operations, so both are found by their syntax. Exception paths into catch blocks are
/// not followed; finally blocks are, on every branch that leaves their try.
/// </summary>
internal static class FlowReachability
{
    public static bool CanFollow(ControlFlowGraph graph, SyntaxNode first, SyntaxNode then)
    {
        if (Find(graph, first) is not var (fromBlock, fromIndex) || Find(graph, then) is not var (toBlock, toIndex)) return false;
        if (fromBlock == toBlock && toIndex >= fromIndex) return true;
        var seen = new HashSet<int>();
        var pending = new Stack<int>();
        Follow(graph.Blocks[fromBlock], pending);
        while (pending.Count > 0)
        {
            var block = pending.Pop();
            if (block == toBlock) return true;
            if (seen.Add(block)) Follow(graph.Blocks[block], pending);
        }
        return false;
    }

    private static void Follow(BasicBlock block, Stack<int> pending)
    {
        foreach (var branch in new[] { block.FallThroughSuccessor, block.ConditionalSuccessor })
        {
            if (branch is null) continue;
            if (branch.Destination is { } destination) pending.Push(destination.Ordinal);
            foreach (var region in branch.FinallyRegions) pending.Push(region.FirstBlockOrdinal);
        }
    }

    /// <summary>The block and the index within it of the statement (or branch value, last) that contains <paramref name="node"/>.</summary>
    private static (int Block, int Index)? Find(ControlFlowGraph graph, SyntaxNode node)
    {
        foreach (var block in graph.Blocks)
        {
            var operations = block.BranchValue is { } value ? block.Operations.Add(value) : block.Operations;
            for (var i = 0; i < operations.Length; i++)
            {
                if (operations[i].DescendantsAndSelf().Any(o => o.Syntax == node)) return (block.Ordinal, i);
            }
        }
        return null;
    }
}
