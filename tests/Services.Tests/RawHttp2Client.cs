using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// A bare h2c client that writes frames no well-behaved client writes, such as a stream reset right after it was
/// opened, thousands of times over (the HTTP/2 "rapid reset" attack). It reads and drops whatever the server sends,
/// acknowledging its SETTINGS, and notes when the server closes the connection and when it acknowledges a PING.
/// </summary>
public sealed class RawHttp2Client : IAsyncDisposable
{
    private const byte Data = 0x0, Headers = 0x1, ResetStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7;
    private const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4;
    private const int Cancel = 0x8;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Task _reading;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextStreamId = 1;

    private RawHttp2Client(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reading = ReadAsync();
    }

    /// <summary>Whether the server sent GOAWAY or closed the connection.</summary>
    public bool ServerClosed { get; private set; }

    public static async Task<RawHttp2Client> ConnectAsync(Uri server, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var client = new RawHttp2Client(tcp);
        await client.WriteAsync([.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, .. Frame(Settings, 0, 0, [])], cancellationToken);
        return client;
    }

    /// <summary>
    /// Opens a stream with a gRPC request for <paramref name="path"/> carrying <paramref name="body"/> (ended unless
    /// <paramref name="endStream"/> is false) and, when <paramref name="reset"/>, resets it at once; returns false
    /// once the server has closed the connection.
    /// </summary>
    /// <param name="grpcTimeout">A <c>grpc-timeout</c> header to send, such as <c>5S</c>.</param>
    public async Task<bool> SendGrpcRequestAsync(
        string path, byte[] body, bool endStream, bool reset, CancellationToken cancellationToken, string? grpcTimeout = null)
    {
        var streamId = _nextStreamId;
        _nextStreamId += 2;
        byte[] headers =
        [
            0x83, // :method POST (static table)
            0x86, // :scheme http (static table)
            .. LiteralWithIndexedName(4, path), // :path
            .. LiteralWithIndexedName(1, "localhost"), // :authority
            .. Literal("content-type", "application/grpc"),
            .. Literal("te", "trailers"),
            .. grpcTimeout is null ? [] : Literal("grpc-timeout", grpcTimeout),
        ];
        byte[] frames =
        [
            .. Frame(Headers, EndHeaders, streamId, headers),
            .. Frame(Data, endStream ? EndStream : 0, streamId, body),
            .. reset ? Frame(ResetStream, 0, streamId, BigEndian(Cancel)) : [],
        ];
        try
        {
            await WriteAsync(frames, cancellationToken);
            return !ServerClosed;
        }
        catch (IOException)
        {
            ServerClosed = true;
            return false;
        }
    }

    /// <summary>
    /// Sends a PING and waits for its acknowledgement, or for the server to close the connection: either way the server
    /// has read every frame sent before (it answers a PING in order), or will read no more.
    /// </summary>
    public async Task WaitUntilServerCaughtUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(Frame(Ping, 0, 0, new byte[8]), cancellationToken);
        }
        catch (IOException)
        {
            ServerClosed = true;
            return;
        }

        await _caughtUp.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await _reading.ContinueWith(static _ => { }, TaskScheduler.Default);
        _writeLock.Dispose();
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadAsync()
    {
        var header = new byte[9];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var payload = new byte[length];
                await _stream.ReadExactlyAsync(payload);
                if (header[3] == Settings && (header[4] & Ack) == 0)
                {
                    await WriteAsync(Frame(Settings, Ack, 0, []), CancellationToken.None);
                }
                else if (header[3] == Ping && (header[4] & Ack) != 0)
                {
                    _caughtUp.TrySetResult();
                }
                else if (header[3] == GoAway)
                {
                    ServerClosed = true;
                    _caughtUp.TrySetResult();
                }
            }
        }
        catch (Exception exception) when (exception is IOException or EndOfStreamException or ObjectDisposedException or SocketException)
        {
            ServerClosed = true;
            _caughtUp.TrySetResult();
        }
    }

    /// <summary>One HTTP/2 frame: its nine-byte header (length, type, flags, stream) and its payload.</summary>
    internal static byte[] Frame(byte type, int flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = (byte)flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        return frame;
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>A literal header field without indexing whose name is entry <paramref name="nameIndex"/> of the static table.</summary>
    private static byte[] LiteralWithIndexedName(byte nameIndex, string value) =>
        [nameIndex, (byte)value.Length, .. Encoding.ASCII.GetBytes(value)];

    /// <summary>A literal header field without indexing, with a new name.</summary>
    private static byte[] Literal(string name, string value) =>
        [0x00, (byte)name.Length, .. Encoding.ASCII.GetBytes(name), (byte)value.Length, .. Encoding.ASCII.GetBytes(value)];
}
