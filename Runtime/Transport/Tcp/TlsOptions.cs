using System;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Tessera.Transport.Tcp;

/// <summary>
/// Mutual TLS on every TCP connection of a site: each side presents <see cref="Certificate"/> and checks the
/// other's with <see cref="ValidatePeer"/>, so only holders of an accepted certificate can connect, and what
/// they exchange is encrypted. Both sides of a connection must use TLS: a plain-TCP site cannot reach a TLS
/// one, and the refusal is logged at the listener and reported to the dialer.
/// </summary>
public sealed record TlsOptions
{
    /// <summary>This site's certificate, with its private key; shown when it dials and when it accepts.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>
    /// Decides whether a peer's certificate is accepted; null accepts only what the platform's chain validation
    /// accepts (a dialing site's name must match the certificate, as for any TLS client). A cluster with its own
    /// authority or pinned certificates sets this.
    /// </summary>
    public RemoteCertificateValidationCallback? ValidatePeer { get; init; }

    /// <summary>The TLS versions allowed; the default lets the operating system choose (TLS 1.2 and 1.3).</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Certificate, nameof(Certificate));
        if (!Certificate.HasPrivateKey)
            throw new ArgumentException("The TLS certificate must carry its private key: a site presents it when it accepts a connection.", nameof(Certificate));
    }

    internal SslClientAuthenticationOptions ForDialing(string host) => new()
    {
        TargetHost = host,
        ClientCertificates = new X509CertificateCollection { Certificate },
        RemoteCertificateValidationCallback = ValidatePeer,
        EnabledSslProtocols = EnabledProtocols,
    };

    internal SslServerAuthenticationOptions ForAccepting() => new()
    {
        ServerCertificate = Certificate,
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = ValidatePeer,
        EnabledSslProtocols = EnabledProtocols,
    };
}
