#!/usr/bin/env bash
# Writes the synthetic project docs/rules/README.md measures the analyzers on: 500 distributed classes, a third
# each [Stationary], [Cached] and [Async], each with a constructor, four remotable methods and a helper that
# calls the previous class (so the flow rules have calls, locks and arguments to look at, without firing).
#
#   make-cost-project.sh OUT [BIN] [with|without]
#
# BIN holds the built Tessera.dll, MemoryPack.Core.dll, Tessera.Generators.dll and Tessera.Analyzers.dll
# (default: this test project's output); 'without' leaves Tessera.Analyzers out, for the baseline.
# Then: dotnet build OUT --no-incremental -p:ReportAnalyzer=true -v:n
set -euo pipefail
out=${1:?usage: make-cost-project.sh OUT [BIN] [with|without]}
bin=${2:-$(cd "$(dirname "$0")/../bin/Debug/net10.0" && pwd)}
mode=${3:-with}
count=500
mkdir -p "$out"
analyzers=""
[ "$mode" = with ] && analyzers="<Analyzer Include=\"$bin/Tessera.Analyzers.dll\" />"
cat > "$out/Cost.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="$bin/Tessera.dll" />
    <Reference Include="$bin/MemoryPack.Core.dll" />
    <Analyzer Include="$bin/Tessera.Generators.dll" />
    $analyzers
  </ItemGroup>
</Project>
PROJECT
kinds=(Stationary Cached Async)
for ((i = 0; i < count; i++)); do
  kind=${kinds[i % 3]}
  previous=C$(( (i + count - 1) % count ))
  case $kind in
    Async) self="var self = new Ref(this); self.Add(1, 2);" ;;
    *) self="" ;;
  esac
  cat > "$out/C$i.cs" <<CLASS
using Tessera;

namespace Cost;

[$kind]
public partial class C$i
{
    private static readonly object Gate = new();
    private int _seed;

    public C$i(int seed) => _seed = seed;

    public virtual int Get()
    {
        lock (Gate)
        {
            var x = _seed;
            _seed = (_seed * 23 + 49) % 1001;
            return x;
        }
    }

    public virtual int Add(int a, int b) => a + b + _seed;

    public virtual string Name(string prefix) => prefix + _seed;

    public virtual Task<int> CountAsync(List<int> values) => Task.FromResult(values.Count + _seed);

    private int Helper($previous other)
    {
        $self
        var values = new List<int> { _seed };
        values.Add(1);
        var total = other.CountAsync(values);
        int sum;
        lock (Gate) sum = _seed;
        return sum + other.Add(1, 2) + other.Name("x").Length;
    }
}
CLASS
done
