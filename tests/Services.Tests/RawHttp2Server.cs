using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NutritionAspire.Tests;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// A bare h2c server on a loopback port that answers every gRPC call with an empty message and OK, and judges the
/// client's PING frames as grpc-go's server does with its default enforcement policy: a ping while no call is open,
/// and with nothing written since the previous ping, is a strike (after two, grpc-go sends GOAWAY too_many_pings).
/// A test can hold answers back until <see cref="ReleaseAnswers"/>.
/// </summary>
public sealed class RawHttp2Server : IAsyncDisposable
{
    private const byte Data = 0x0, Headers = 0x1, Settings = 0x4, Ping = 0x6;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _answersReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _pingWhileCallOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly List<Task> _connections = [];
    private Task _accepting = Task.CompletedTask;
    private int _pings, _strikes, _openCalls;

    public RawHttp2Server(bool holdAnswers = false)
    {
        if (!holdAnswers)
        {
            _answersReleased.SetResult();
        }
    }

    public string Address => Loopback.Address(((IPEndPoint)_listener.LocalEndpoint).Port);

    /// <summary>grpc-go's limit: it sends GOAWAY too_many_pings on the strike after this many.</summary>
    public const int MaxPingStrikes = 2;

    public int Pings => Volatile.Read(ref _pings);

    /// <summary>Calls received and not answered yet.</summary>
    public int OpenCalls => Volatile.Read(ref _openCalls);

    /// <summary>Pings grpc-go would count against the client.</summary>
    public int IdlePingStrikes => Volatile.Read(ref _strikes);

    /// <summary>Completes when a connection has been accepted.</summary>
    public Task Accepted => _accepted.Task;

    /// <summary>Completes when a PING arrives while a call is open.</summary>
    public Task PingWhileCallOpen => _pingWhileCallOpen.Task;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public void ReleaseAnswers() => _answersReleased.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Task[] connections;
        lock (_lock)
        {
            connections = [.. _connections, _accepting];
        }

        await Task.WhenAll(connections.Select(task => task.ContinueWith(static _ => { }, TaskScheduler.Default)));
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _accepted.TrySetResult();
            lock (_lock)
            {
                _connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var connection = client;
        var stream = connection.GetStream();
        var writeLock = new SemaphoreSlim(1, 1);
        var wroteSinceLastPing = false;
        try
        {
            await stream.ReadExactlyAsync(new byte[24], _stopping.Token);
            await WriteFrameAsync(Settings, 0, 0, []);
            var header = new byte[9];
            while (true)
            {
                await stream.ReadExactlyAsync(header, _stopping.Token);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var (type, flags) = (header[3], header[4]);
                var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
                var payload = new byte[length];
                await stream.ReadExactlyAsync(payload, _stopping.Token);
                switch (type)
                {
                    case Settings when (flags & Ack) == 0:
                        await WriteFrameAsync(Settings, Ack, 0, []);
                        break;
                    case Ping when (flags & Ack) == 0:
                        OnPing(ref wroteSinceLastPing);
                        await WriteFrameAsync(Ping, Ack, 0, payload);
                        break;
                    case Headers:
                        Interlocked.Increment(ref _openCalls);
                        break;
                    case Data when (flags & EndStream) != 0:
                        _ = AnswerAsync(streamId);
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or EndOfStreamException)
        {
        }

        async Task AnswerAsync(int streamId)
        {
            await _answersReleased.Task.WaitAsync(_stopping.Token);
            // :status 200 (static table entry 8), then literal header fields without indexing.
            await WriteFrameAsync(Headers, EndHeaders, streamId, [0x88, .. Literal("content-type", "application/grpc")]);
            await WriteFrameAsync(Data, 0, streamId, [0, 0, 0, 0, 0]);
            Interlocked.Decrement(ref _openCalls);
            await WriteFrameAsync(Headers, EndHeaders | EndStream, streamId, Literal("grpc-status", "0"));
        }

        async Task WriteFrameAsync(byte type, int flags, int streamId, byte[] payload)
        {
            var frame = RawHttp2Client.Frame(type, flags, streamId, payload);
            await writeLock.WaitAsync(_stopping.Token);
            try
            {
                await stream.WriteAsync(frame, _stopping.Token);
                wroteSinceLastPing |= type is Headers or Data;
            }
            finally
            {
                writeLock.Release();
            }
        }
    }

    private void OnPing(ref bool wroteSinceLastPing)
    {
        Interlocked.Increment(ref _pings);
        if (Volatile.Read(ref _openCalls) > 0)
        {
            _pingWhileCallOpen.TrySetResult();
        }
        else if (!wroteSinceLastPing)
        {
            Interlocked.Increment(ref _strikes);
        }

        wroteSinceLastPing = false;
    }

    private static byte[] Literal(string name, string value) =>
        [0x00, (byte)name.Length, .. Encoding.ASCII.GetBytes(name), (byte)value.Length, .. Encoding.ASCII.GetBytes(value)];
}
