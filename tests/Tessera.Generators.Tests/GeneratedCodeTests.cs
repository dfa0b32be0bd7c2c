using System.Reflection;
using System.Runtime.Loader;
using MemoryPack;
using Tessera.Infrastructure;
using Xunit;

namespace Tessera.Generators.Tests;

/// <summary>What the generated code does, beyond compiling: which methods go remote and how arguments decode.</summary>
public sealed class GeneratedCodeTests
{
    [Fact]
    public void ObjectOverrides_StayLocal()
    {
        var output = GeneratorHarness.Run("""
            using Tessera;

            namespace Contoso;

            [Stationary]
            public partial class Coder
            {
                public virtual int Get() => 1;

                public override string ToString() => "Coder";

                public override bool Equals(object? obj) => ReferenceEquals(this, obj);

                public override int GetHashCode() => 1;
            }
            """);

        var text = output.Text("Contoso.Coder.Tessera.g.cs");
        Assert.Contains("public override int Get()", text);
        Assert.DoesNotContain("ToString", text);
        Assert.DoesNotContain("Equals", text);
        Assert.DoesNotContain("GetHashCode", text);
    }

    [Fact]
    public void MethodWithoutArguments_GetsNoArgumentHelpers()
    {
        var text = GeneratorHarness.Run(TestSources.Warehouse).Text("Contoso.Inventory.Warehouse.Tessera.g.cs");

        Assert.Contains("Invoke_ClearAsync_87f11509(", text);
        Assert.DoesNotContain("ClearAsync_87f11509_EncodeArguments", text);
        Assert.DoesNotContain("ClearAsync_87f11509_DecodeArguments", text);
        Assert.DoesNotContain("_ = ", text);
    }

    [Fact]
    public void DecodedValueTypes_AreNotNullForgiven()
    {
        var text = GeneratorHarness.Run(TestSources.Warehouse).Text("Contoso.Inventory.Warehouse.Tessera.g.cs");

        Assert.Contains("quantity = __reader.ReadValue<int>();", text);
        Assert.Contains("sku = __reader.ReadValue<string>()!;", text);
        Assert.Contains("note = __reader.ReadValue<string?>();", text);
    }

    [Fact]
    public void Arguments_RoundTrip_AndTrailingBytesAreRejected()
    {
        var codec = LoadCodec(TestSources.Warehouse, "Contoso.Inventory.Warehouse");
        var encode = Helper(codec, "Reserve_f74e57c0_EncodeArguments");
        var decode = Helper(codec, "Reserve_f74e57c0_DecodeArguments");
        var bytes = ((EncodedBytes)encode.Invoke(null, [null, "sku-1", 2])!).ToArray();

        object?[] decoded = [null, EncodedBytes.Of(bytes), null, null];
        decode.Invoke(null, decoded);
        Assert.Equal("sku-1", decoded[2]);
        Assert.Equal(2, decoded[3]);

        // MemoryPackSerializationException is what the runtime answers with a BadArguments fault.
        var failure = Assert.Throws<TargetInvocationException>(() => decode.Invoke(null, [null, EncodedBytes.Of([.. bytes, 0]), null, null]));
        var exception = Assert.IsType<MemoryPackSerializationException>(failure.InnerException);
        Assert.StartsWith("1 byte(s) left unread after the arguments of Contoso.Inventory.Warehouse.Reserve", exception.Message);
    }

    [Fact]
    public void Result_TrailingBytesAreRejected()
    {
        var codec = LoadCodec(TestSources.Warehouse, "Contoso.Inventory.Warehouse");
        var bytes = ((EncodedBytes)Helper(codec, "Reserve_f74e57c0_EncodeResult").Invoke(null, [null, 7])!).ToArray();
        var decode = Helper(codec, "Reserve_f74e57c0_DecodeResult");

        Assert.Equal(7, decode.Invoke(null, [null, EncodedBytes.Of(bytes)]));
        var failure = Assert.Throws<TargetInvocationException>(() => decode.Invoke(null, [null, EncodedBytes.Of([.. bytes, 0, 0])]));
        Assert.StartsWith("2 byte(s) left unread after the result of", Assert.IsType<MemoryPackSerializationException>(failure.InnerException).Message);
    }

    [Fact]
    public void Fixed_size_values_are_encoded_without_MemoryPack_in_MemoryPack_bytes_and_wrong_lengths_are_rejected()
    {
        var codec = LoadCodec("""
            using Tessera;

            namespace Contoso;

            public enum Shade : short { Light = 1, Dark = -2 }

            [Stationary]
            public partial class Mixer
            {
                public virtual long Mix(int a, bool b, double c, Shade d, char e, byte f, ulong g) => a;
            }
            """, "Contoso.Mixer");
        var mix = codec.DeclaringType!.GetMethod("Mix")!;
        var shade = mix.GetParameters()[3].ParameterType;
        object?[] values = [-7, true, 2.5, Enum.ToObject(shade, (short)-2), 'é', (byte)200, ulong.MaxValue - 1];

        var bytes = ((EncodedBytes)Helper(codec, "Mix_" + MethodIdOf(codec, "Mix") + "_EncodeArguments").Invoke(null, [null, .. values])!).ToArray();

        Assert.Equal(values.SelectMany(v => MemoryPackSerializer.Serialize(v!.GetType(), v)).ToArray(), bytes);
        var decode = Helper(codec, "Mix_" + MethodIdOf(codec, "Mix") + "_DecodeArguments");
        object?[] decoded = [null, EncodedBytes.Of(bytes), null, null, null, null, null, null, null];
        decode.Invoke(null, decoded);
        Assert.Equal(values, decoded[2..]);
        foreach (var wrong in new[] { bytes[..^1], [.. bytes, 0] })
        {
            var failure = Assert.Throws<TargetInvocationException>(() => decode.Invoke(null, [null, EncodedBytes.Of(wrong), null, null, null, null, null, null, null]));
            var message = Assert.IsType<MemoryPackSerializationException>(failure.InnerException).Message;
            Assert.Contains("the arguments of Contoso.Mixer.Mix", message);
            Assert.EndsWith("the sending site was built with a different signature.", message);
        }

        var result = ((EncodedBytes)Helper(codec, "Mix_" + MethodIdOf(codec, "Mix") + "_EncodeResult").Invoke(null, [null, long.MinValue + 3])!).ToArray();
        Assert.Equal(MemoryPackSerializer.Serialize(long.MinValue + 3), result);
        Assert.Equal(long.MinValue + 3, Helper(codec, "Mix_" + MethodIdOf(codec, "Mix") + "_DecodeResult").Invoke(null, [null, EncodedBytes.Of(result)]));
    }

    [Fact]
    public void A_fixed_size_type_with_a_MemoryPack_formatter_of_its_own_is_encoded_by_that_formatter()
    {
        var codec = LoadCodec("""
            using MemoryPack;
            using Tessera;

            namespace Contoso;

            public enum Tone : short { Low = 1, High = 2 }

            public sealed class ToneAsInt : MemoryPackFormatter<Tone>
            {
                public override void Serialize<TBufferWriter>(ref MemoryPackWriter<TBufferWriter> writer, scoped ref Tone value) => writer.WriteValue((int)value);

                public override void Deserialize(ref MemoryPackReader reader, scoped ref Tone value) => value = (Tone)reader.ReadValue<int>();

                public static void Register() => MemoryPackFormatterProvider.Register(new ToneAsInt());
            }

            [Stationary]
            public partial class Tuner
            {
                public virtual Tone Set(Tone tone) => tone;
            }
            """, "Contoso.Tuner");
        codec.Assembly.GetType("Contoso.ToneAsInt")!.GetMethod("Register")!.Invoke(null, null);
        var high = Enum.ToObject(codec.Assembly.GetType("Contoso.Tone")!, (short)2);
        var prefix = "Set_" + MethodIdOf(codec, "Set");

        var arguments = ((EncodedBytes)Helper(codec, prefix + "_EncodeArguments").Invoke(null, [null, high])!).ToArray();
        var result = ((EncodedBytes)Helper(codec, prefix + "_EncodeResult").Invoke(null, [null, high])!).ToArray();

        // Four bytes, the registered formatter's int, where the raw enum would take two.
        Assert.Equal(MemoryPackSerializer.Serialize(2), arguments);
        Assert.Equal(MemoryPackSerializer.Serialize(2), result);
        object?[] decoded = [null, EncodedBytes.Of(arguments), null];
        Helper(codec, prefix + "_DecodeArguments").Invoke(null, decoded);
        Assert.Equal(high, decoded[2]);
        Assert.Equal(high, Helper(codec, prefix + "_DecodeResult").Invoke(null, [null, EncodedBytes.Of(result)]));
    }

    private static string MethodIdOf(Type codec, string method)
        => codec.GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name).First(n => n.StartsWith(method + "_", StringComparison.Ordinal)).Split('_')[1];

    /// <summary>Emits the generated code and loads it, in a context of its own, next to the test's Tessera and MemoryPack.</summary>
    private static Type LoadCodec(string source, string className)
    {
        var output = GeneratorHarness.Run(source);
        using var stream = new MemoryStream();
        var result = output.Output.Emit(stream);
        Assert.True(result.Success, GeneratorHarness.Describe(result.Diagnostics));
        stream.Position = 0;
        var assembly = new AssemblyLoadContext(nameof(GeneratedCodeTests), isCollectible: true).LoadFromStream(stream);
        return assembly.GetType(className + "+TesseraCodec", throwOnError: true)!;
    }

    private static MethodInfo Helper(Type codec, string name)
        => codec.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
           ?? throw new Xunit.Sdk.XunitException($"No helper {name}; the method id may have changed.");
}
