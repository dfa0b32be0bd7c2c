namespace Tessera.Infrastructure;

/// <summary>Lets runtime code that is not generic reach the object behind any <see cref="AsyncReference{T}"/>.</summary>
internal interface IAsyncReference
{
    object Target { get; }
}
