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
    /// Decides whether a peer's certificate is accepted, on both sides of a connection (the certificate is null if the
    /// peer showed none). Required: the platform's default check would admit any certificate a public authority
    /// issued, which says nothing about membership of this cluster. Pin certificates, or check the chain against the
    /// cluster's own authority.
    /// </summary>
    public required RemoteCertificateValidationCallback ValidatePeer { get; init; }

    /// <summary>The TLS versions allowed; the default lets the operating system choose (TLS 1.2 and 1.3).</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Certificate, nameof(Certificate));
        ArgumentNullException.ThrowIfNull(ValidatePeer, nameof(ValidatePeer));
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
