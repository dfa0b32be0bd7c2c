using Tessera;

namespace Tessera.TestHost;

/// <summary>A stationary object made fresh for every call of <see cref="WidgetFactory.Make"/>.</summary>
[Stationary]
public partial class Widget
{
    public virtual int Id() => GetHashCode();
}

/// <summary>Every call returns a new object, so a caller that drops the results churns proxies and exports.</summary>
[Stationary]
public partial class WidgetFactory
{
    public virtual Widget Make() => new();
}
