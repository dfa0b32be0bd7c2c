using System.Collections.Generic;
using System.Linq;
using Tessera.Generators.Emitting;
using static Tessera.Generators.Emitting.StationaryEmitter;

namespace Tessera.Generators.Cached;

/// <summary>
/// Writes the type info: the proxy factory, and capture and restore of every state field. Fields are reached
/// through <c>[UnsafeAccessor]</c>, which compiles to a direct field reference (no reflection, so AOT and
/// trimming safe) and can write <c>readonly</c> fields, auto-property backing fields and base-class privates.
/// </summary>
internal static class StateCodecEmitter
{
    private const string Site = "global::Tessera.Site";

    public static void Emit(IndentedWriter w, CachedClassModel model)
    {
        var fq = model.Class.FullyQualifiedName;
        var fields = model.Fields.Select((f, i) => (Field: f, Accessor: $"__Field{i}")).ToList();
        using (w.Block($"private sealed class TesseraTypeInfo : {Infrastructure}.CachedTypeInfo<{fq}>"))
        {
            w.Line($"public TesseraTypeInfo() : base(\"{model.Class.MetadataName}\", 0x{model.Class.Fingerprint:x16}ul) {{ }}");
            w.Line();
            w.Line($"public override {fq} CreateProxy({Infrastructure}.ProxyHandle handle) => new TesseraManaged(handle);");
            w.Line();
            var captured = string.Concat(fields.Select(f => $", {f.Accessor}(__target)"));
            w.Line($"public override byte[] Capture({Site} __site, {fq} __target) => EncodeState(__site{captured});");
            w.Line();
            using (w.Block($"public override void Restore({Site} __site, {fq} __target, byte[] __bytes)"))
            {
                var reads = fields.Select(f => $"{f.Accessor}(__target) = {CodecEmitter.Read(f.Field.Value)};");
                CodecEmitter.EmitReader(w, reads, $"the state of {model.Class.MetadataName}", "");
            }
            w.Line();
            CodecEmitter.EmitEncode(w, "EncodeState", fields.Select((f, i) => ($"__f{i}", f.Field.Value)).ToList(), pooled: false);
            foreach (var (field, accessor) in fields)
            {
                w.Line();
                w.Line($"[global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = \"{field.Name}\")]");
                w.Line($"private static extern ref {field.Value.Type} {accessor}({field.DeclaringType} __target);");
            }
        }
    }
}
