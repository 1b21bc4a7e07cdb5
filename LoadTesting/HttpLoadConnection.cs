using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NutritionAspire.LoadTesting;

/// <summary>
/// An HTTP/1.1 keep-alive connection that sends one prepared request over a socket and reads the answer, chunked or
/// with a length. It does only what a load generator needs, so the generator costs little of the CPU it measures.
/// </summary>
public sealed class HttpLoadConnection : ILoadConnection
{
    private static readonly byte[] s_headerEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] s_crlf = "\r\n"u8.ToArray();

    private readonly EndPoint _server;
    private readonly byte[] _request;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Socket? _socket;
    private int _start;
    private int _end;

    private HttpLoadConnection(EndPoint server, byte[] request) => (_server, _request) = (server, request);

    /// <summary>Prepares <c>POST <paramref name="path"/></c> with a JSON body to <paramref name="server"/>.</summary>
    public static Func<HttpLoadConnection> PostJson(Uri server, string path, string jsonBody)
    {
        var endPoint = ResolveLoopbackOrHost(server);
        var body = Encoding.UTF8.GetBytes(jsonBody);
        var head = Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        byte[] request = [.. head, .. body];
        return () => new HttpLoadConnection(endPoint, request);
    }

    public async ValueTask<string?> SendAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_socket is null)
            {
                _socket = new Socket(_server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await _socket.ConnectAsync(_server, cancellationToken);
                _start = _end = 0;
            }

            await _socket.SendAsync(_request, SocketFlags.None, cancellationToken);
            return await ReadResponseAsync(_socket, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Close(); // An answer may be half read; the next request needs a clean connection.
            throw;
        }
        catch (Exception exception) when (exception is SocketException or IOException or InvalidDataException)
        {
            Close();
            return exception is SocketException socket ? $"socket: {socket.SocketErrorCode}" : exception.Message;
        }
    }

    private async ValueTask<string?> ReadResponseAsync(Socket socket, CancellationToken cancellationToken)
    {
        var headerLength = await ReadUntilAsync(socket, s_headerEnd, cancellationToken);
        var (status, contentLength, chunked, close) = ParseHead(_buffer.AsSpan(_start, headerLength));
        _start += headerLength + s_headerEnd.Length;

        if (chunked)
        {
            while (true)
            {
                var lineLength = await ReadUntilAsync(socket, s_crlf, cancellationToken);
                var sizeText = _buffer.AsSpan(_start, lineLength);
                var extension = sizeText.IndexOf((byte)';');
                if (!Utf8Parser.TryParse(extension < 0 ? sizeText : sizeText[..extension], out int size, out _, 'x'))
                {
                    throw new InvalidDataException("bad chunk size");
                }

                _start += lineLength + s_crlf.Length;
                await SkipAsync(socket, size + s_crlf.Length, cancellationToken);
                if (size == 0)
                {
                    break;
                }
            }
        }
        else
        {
            await SkipAsync(socket, contentLength, cancellationToken);
        }

        if (close)
        {
            Close();
        }

        return status is >= 200 and < 300 ? null : $"HTTP {status}";
    }

    private static (int Status, int ContentLength, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new InvalidDataException("bad status line");
        }

        var contentLength = 0;
        var chunked = false;
        var close = false;
        foreach (var range in head.Split(s_crlf))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                _ = Utf8Parser.TryParse(value, out contentLength, out _);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close = Ascii.EqualsIgnoreCase(value, "close"u8);
            }
        }

        return (status, contentLength, chunked, close);
    }

    /// <summary>Reads until <paramref name="delimiter"/> is buffered; returns the length before it.</summary>
    private async ValueTask<int> ReadUntilAsync(Socket socket, byte[] delimiter, CancellationToken cancellationToken)
    {
        while (true)
        {
            var found = _buffer.AsSpan(_start, _end - _start).IndexOf(delimiter);
            if (found >= 0)
            {
                return found;
            }

            await FillAsync(socket, cancellationToken);
        }
    }

    private async ValueTask SkipAsync(Socket socket, int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            count -= _end - _start;
            _start = _end;
            await FillAsync(socket, cancellationToken);
        }

        _start += count;
    }

    private async ValueTask FillAsync(Socket socket, CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                throw new InvalidDataException("response head larger than the buffer");
            }

            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_start, _end) = (0, _end - _start);
        }

        var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("connection closed by the server");
        }

        _end += read;
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>The server's address, preferring a loopback address for <c>localhost</c>.</summary>
    private static IPEndPoint ResolveLoopbackOrHost(Uri server)
    {
        if (IPAddress.TryParse(server.Host.Trim('[', ']'), out var address))
        {
            return new IPEndPoint(address, server.Port);
        }

        var addresses = Dns.GetHostAddresses(server.Host);
        var chosen = addresses.FirstOrDefault(IPAddress.IsLoopback) ?? addresses.First();
        return new IPEndPoint(chosen, server.Port);
    }
}
