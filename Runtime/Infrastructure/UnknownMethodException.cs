namespace Tessera.Infrastructure;

/// <summary>The caller's build has a method this build lacks; the type fingerprint should have caught it.</summary>
public sealed class UnknownMethodException : TesseraException
{
    public UnknownMethodException(string typeName, uint methodId)
        : base($"{typeName} has no remotable method with id 0x{methodId:x8}; the two sites run different builds of the class.")
    {
        TypeName = typeName;
        MethodId = methodId;
    }

    public string TypeName { get; }

    public uint MethodId { get; }
}
