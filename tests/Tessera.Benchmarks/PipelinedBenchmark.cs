using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Pipelines.Sockets.Unofficial;

namespace Tessera.Benchmarks;

/// <summary>The same echo logic as <see cref="EchoService"/>, as an active object.</summary>
[Async]
public partial class AsyncEchoService
{
    public virtual int Echo(int x) => x;
}

/// <summary>
/// N calls in a batch, three ways, against servers in other processes: [Stationary] one by one, [Async]
/// fired first and then all used, and raw TCP pipelined at the same depth as Tessera's async window.
/// The three take turns, round after round, so load from elsewhere lands on all of them alike.
/// </summary>
internal static class PipelinedBenchmark
{
    public const string Verb = "serve-async";
    private const int Calls = 10_000;

    /// <summary>Child side: exports one async echo object and prints an unlimited ticket for it.</summary>
    public static async Task ServeAsync()
    {
        await using var site = await Site.StartAsync();
        Console.WriteLine(AsyncEchoService.Create().OfferUnlimited(site));
        await ChildProcess.ParentGoneAsync();
    }

    public static async Task<string> RunAsync(int rounds, CancellationToken cancellationToken)
    {
        var depth = new SiteOptions().MaxOutstandingAsyncCalls;
        var ready = TimeSpan.FromSeconds(30);
        await using var stationaryServer = await ChildProcess.StartAsync(TesseraScenario.Verb, ready, cancellationToken);
        await using var asyncServer = await ChildProcess.StartAsync(Verb, ready, cancellationToken);
        await using var rawServer = await ChildProcess.StartAsync(RawTcpScenario.Verb, ready, cancellationToken);
        await using var site = await Site.StartAsync(cancellationToken: cancellationToken);
        var stationary = await EchoService.TakeAsync(site, stationaryServer.Announcement, cancellationToken);
        var active = await AsyncEchoService.TakeAsync(site, asyncServer.Announcement, cancellationToken);
        await using var raw = await RawPipeline.ConnectAsync(int.Parse(rawServer.Announcement), depth, cancellationToken);

        var runs = new (string Name, Func<long> Batch, ChildProcess Server)[]
        {
            ($"[Stationary] Echo(int), {Calls} calls one by one", () => StationaryBatch(stationary), stationaryServer),
            ($"[Async] Echo(int), {Calls} calls fired, then used", () => AsyncBatch(active), asyncServer),
            ($"Raw TCP pipelined, depth {depth}", () => raw.Batch(Calls), rawServer),
        };
        var samples = runs.Select(_ => new List<(double Rate, double ClientCpu, double ServerCpu)>()).ToArray();
        // Round 0 warms up the JIT and the connections and is not counted.
        for (var round = 0; round <= rounds; round++)
        {
            for (var i = 0; i < runs.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (client, server, started) = (Environment.CpuUsage.TotalTime, runs[i].Server.ProcessorTime, Stopwatch.GetTimestamp());
                var check = await Task.Run(runs[i].Batch, cancellationToken).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (check != (long)Calls * (Calls - 1) / 2) throw new InvalidOperationException($"{runs[i].Name} echoed the wrong values.");
                if (round == 0) continue;
                samples[i].Add((Calls / elapsed.TotalSeconds,
                    (Environment.CpuUsage.TotalTime - client).TotalMicroseconds / Calls,
                    (runs[i].Server.ProcessorTime - server).TotalMicroseconds / Calls));
            }
        }
        return Report(runs.Select(r => r.Name).ToArray(), samples, rounds);
    }

    private static long StationaryBatch(EchoService echo)
    {
        long sum = 0;
        for (var i = 0; i < Calls; i++) sum += echo.Echo(i);
        return sum;
    }

    private static long AsyncBatch(AsyncEchoService.Ref echo)
    {
        var replies = new Dataflow<int>[Calls];
        for (var i = 0; i < Calls; i++) replies[i] = echo.Echo(i);
        long sum = 0;
        foreach (var reply in replies) sum += reply;
        return sum;
    }

    private static string Report(string[] names, List<(double Rate, double ClientCpu, double ServerCpu)>[] samples, int rounds)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }
        var rawRate = Median(samples[^1].Select(s => s.Rate));
        var text = new StringBuilder();
        text.AppendLine($"## Batches of {Calls} calls (median of {rounds} rounds)").AppendLine();
        text.AppendLine("| target | calls/s | × raw pipelined | client CPU µs/call | server CPU µs/call |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        for (var i = 0; i < names.Length; i++)
        {
            var rate = Median(samples[i].Select(s => s.Rate));
            text.AppendLine($"| {names[i]} | {rate:F0} | {rate / rawRate:F2}× | {Median(samples[i].Select(s => s.ClientCpu)):F1} | {Median(samples[i].Select(s => s.ServerCpu)):F1} |");
        }
        return text.ToString();
    }

    /// <summary>
    /// The floor for a pipelined batch: frames of one int echoed by the raw server, at most
    /// <c>depth</c> in flight, replies counted by a reader loop that frees the window.
    /// </summary>
    private sealed class RawPipeline : IAsyncDisposable
    {
        private readonly SocketConnection _connection;
        private readonly SemaphoreSlim _window;
        private long _sum;
        private int _replies;
        private TaskCompletionSource _done = new();
        private int _expected;

        private RawPipeline(SocketConnection connection, int depth)
        {
            _connection = connection;
            _window = new SemaphoreSlim(depth, depth);
            _ = Task.Run(ReadLoopAsync);
        }

        public static async Task<RawPipeline> ConnectAsync(int port, int depth, CancellationToken cancellationToken)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return new RawPipeline(SocketConnection.Create(socket), depth);
        }

        public long Batch(int calls)
        {
            (_sum, _replies, _expected, _done) = (0, 0, calls, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            for (var i = 0; i < calls; i++)
            {
                _window.Wait();
                var span = _connection.Output.GetSpan(12);
                BinaryPrimitives.WriteInt32LittleEndian(span, 8);
                BinaryPrimitives.WriteInt32LittleEndian(span[4..], 0);
                BinaryPrimitives.WriteInt32LittleEndian(span[8..], i);
                _connection.Output.Advance(12);
                var flush = _connection.Output.FlushAsync();
                if (!flush.IsCompletedSuccessfully) flush.AsTask().GetAwaiter().GetResult();
            }
            _done.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            return _sum;
        }

        private static int ReadValue(ReadOnlySequence<byte> bytes)
        {
            Span<byte> value = stackalloc byte[4];
            bytes.CopyTo(value);
            return BinaryPrimitives.ReadInt32LittleEndian(value);
        }

        public async ValueTask DisposeAsync()
        {
            _connection.Input.CancelPendingRead();
            await Task.Yield();
            _connection.Dispose();
        }

        private async Task ReadLoopAsync()
        {
            while (true)
            {
                var read = await _connection.Input.ReadAsync();
                var buffer = read.Buffer;
                while (buffer.Length >= 12)
                {
                    _sum += ReadValue(buffer.Slice(8, 4));
                    buffer = buffer.Slice(12);
                    _window.Release();
                    if (++_replies == _expected) _done.TrySetResult();
                }
                _connection.Input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted || read.IsCanceled) return;
            }
        }
    }
}
