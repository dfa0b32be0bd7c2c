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
