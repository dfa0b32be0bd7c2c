using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tessera.Runtime.Tests.Sites;
using Tessera.Transport;
using Tessera.Transport.InMemory;
using Tessera.Transport.Tcp;
using Tessera.Wire;
using Xunit;

namespace Tessera.Runtime.Tests.Transport;

/// <summary>Sites over real TCP with mutual TLS: a cluster certificate admits its holders and nobody else.</summary>
public sealed class TlsTests
{
    private static readonly X509Certificate2 Cluster = SelfSigned("CN=tessera-cluster");
    private static readonly X509Certificate2 Stranger = SelfSigned("CN=tessera-stranger");

    [Fact]
    public async Task Sites_holding_the_cluster_certificate_call_each_other_in_one_request_and_one_reply()
    {
        await using var home = await StartAsync(Cluster);
        await using var caller = await StartAsync(Cluster);
        var greeter = await Greeter.TakeAsync(caller, new Greeter().OfferUnlimited(home));

        var before = caller.Counters.TotalSent;
        Assert.Equal("hello tls", greeter.Greet("tls"));

        Assert.Equal(1, caller.Counters.TotalSent - before);
        Assert.Equal(1, home.Counters.Received(MessageKind.Call));
    }

    [Fact]
    public async Task A_tls_connection_closes_as_soon_as_both_sides_are_done_without_waiting_out_the_graceful_close_timeout()
    {
        var home = await StartAsync(Cluster);
        await using var caller = await StartAsync(Cluster);
        var greeter = await Greeter.TakeAsync(caller, new Greeter().OfferUnlimited(home));
        Assert.Equal("hello once", greeter.Greet("once"));

        var stopping = Stopwatch.StartNew();
        await home.DisposeAsync();

        // A closing side waits up to 2 s for its peer to close too; that wait ends only if the peer saw the end of the stream.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(1.5), $"Stopping took {stopping.Elapsed.TotalMilliseconds:0} ms.");
        await Poll.UntilAsync(() => caller.ConnectionCount == 0);
    }

    [Fact]
    public async Task Closing_a_tls_connection_whose_peer_reads_nothing_ends_within_its_bounds()
    {
        var options = new TransportOptions { Tls = new TlsOptions { Certificate = Cluster, ValidatePeer = AcceptsOnlyTheCluster } };
        await using var transport = new TcpTransport(options);
        var accepted = new TaskCompletionSource<IFrameConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        var address = await transport.ListenAsync("127.0.0.1:0", connection =>
        {
            connection.Start(new RecordingSink());
            accepted.TrySetResult(connection);
        }, CancellationToken.None);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPEndPoint.Parse(address));
        await using var idle = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await idle.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", ClientCertificates = new X509CertificateCollection { Cluster } });
        var connection = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Far more than the socket buffers hold: the peer reads nothing, so the sends back up into the queue.
        var sends = Enumerable.Range(0, 256).Select(i => connection.SendAsync(Frames.Indexed(i, 64 * 1024), CancellationToken.None).AsTask()).ToArray();
        var closing = Stopwatch.StartNew();
        await connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        // The graceful close waits 2 s for the peer, then the unsent frames are dropped without another write.
        Assert.True(closing.Elapsed < TimeSpan.FromSeconds(10), $"Closing took {closing.Elapsed.TotalMilliseconds:0} ms.");
        await Task.WhenAll(sends.Select(send => send.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_site_with_a_certificate_the_cluster_does_not_accept_cannot_take_a_ticket_and_home_keeps_serving()
    {
        await using var home = await StartAsync(Cluster);
        var ticket = new Greeter().OfferUnlimited(home);
        await using var stranger = await StartAsync(Stranger);

        var refused = await Assert.ThrowsAnyAsync<TesseraException>(() => Greeter.TakeAsync(stranger, ticket).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("TLS", Describe(refused));
        await using var member = await StartAsync(Cluster);
        Assert.Equal("hello member", (await Greeter.TakeAsync(member, ticket)).Greet("member"));
    }

    [Fact]
    public async Task A_plain_tcp_site_cannot_reach_a_tls_site_and_fails_within_its_connect_timeout()
    {
        await using var home = await StartAsync(Cluster);
        var ticket = new Greeter().OfferUnlimited(home);
        await using var plain = await Site.StartAsync(new SiteOptions
        {
            TransportOptions = new TransportOptions { ConnectTimeout = TimeSpan.FromSeconds(2) },
            TakeTimeout = TimeSpan.FromSeconds(20),
        });

        await Assert.ThrowsAnyAsync<TesseraException>(() => Greeter.TakeAsync(plain, ticket).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_tls_site_cannot_reach_a_plain_tcp_site_and_says_the_tls_handshake_failed()
    {
        await using var plain = await Site.StartAsync();
        var ticket = new Greeter().OfferUnlimited(plain);
        await using var member = await StartAsync(Cluster);

        var refused = await Assert.ThrowsAnyAsync<TesseraException>(() => Greeter.TakeAsync(member, ticket).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("TLS handshake", Describe(refused));
    }

    [Fact]
    public void The_in_memory_transport_refuses_tls_options_instead_of_ignoring_them()
    {
        var network = new InMemoryNetwork();

        var error = Assert.Throws<ArgumentException>(() => { network.CreateTransport(new TransportOptions { Tls = new TlsOptions { Certificate = Cluster, ValidatePeer = AcceptsOnlyTheCluster } }); });

        Assert.Contains("no TLS", error.Message);
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused_when_the_options_are_checked()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(Cluster.Export(X509ContentType.Cert));

        var error = Assert.Throws<ArgumentException>(() => new TransportOptions { Tls = new TlsOptions { Certificate = publicOnly, ValidatePeer = AcceptsOnlyTheCluster } }.Validate());

        Assert.Contains("private key", error.Message);
    }

    private static Task<Site> StartAsync(X509Certificate2 certificate) => Site.StartAsync(new SiteOptions
    {
        TransportOptions = new TransportOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Tls = new TlsOptions { Certificate = certificate, ValidatePeer = AcceptsOnlyTheCluster },
        },
        TakeTimeout = TimeSpan.FromSeconds(20),
    });

    private static bool AcceptsOnlyTheCluster(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        => certificate is not null && certificate.GetCertHashString() == Cluster.GetCertHashString();

    private static string Describe(Exception error) => error.InnerException is null ? error.Message : error.Message + " / " + Describe(error.InnerException);

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so that the key is usable by the TLS stack on every platform, not only as an ephemeral key.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }
}
