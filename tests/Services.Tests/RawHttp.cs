using System.Net.Sockets;
using System.Text;

namespace NutritionAspire.Services.Tests;

/// <summary>One HTTP/1.1 response read off the wire, with every response the connection carried until it closed.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body, int ResponseCount)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>Sends bytes no HttpClient would send (bad UTF-8, broken chunking) and reads back what Kestrel wrote.</summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri server, byte[] request, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request, cancellationToken);
        // Every request says Connection: close, so the server closes after its answer and everything it wrote is read.
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, cancellationToken);
        return Parse(received.ToArray());
    }

    /// <summary>A POST /calculator with a JSON content type and the given body bytes (a Content-Length body).</summary>
    public static byte[] Post(string path, byte[] body, string contentType = "application/json") =>
        [.. Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), .. body];

    /// <summary>A chunked POST whose body is written as given, chunk framing included.</summary>
    public static byte[] PostChunked(string path, string chunkedBody) =>
        Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunkedBody}");

    public static byte[] Request(string method, string path) =>
        Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

    private static RawResponse Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var responseCount = 0;
        for (var at = text.IndexOf("HTTP/1.1 ", StringComparison.Ordinal); at >= 0; at = text.IndexOf("\r\nHTTP/1.1 ", at + 1, StringComparison.Ordinal))
        {
            responseCount++;
        }

        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headerEnd > 0, $"No complete response: {text}");
        var lines = text[..headerEnd].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0].Trim().ToLowerInvariant(), parts => parts[1].Trim());
        var rest = bytes.AsSpan(headerEnd + 4);
        var body = headers.TryGetValue("transfer-encoding", out var encoding) && encoding == "chunked"
            ? Dechunk(rest)
            : Encoding.UTF8.GetString(headers.TryGetValue("content-length", out var length) ? rest[..int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)] : rest);
        return new RawResponse(status, headers, body, responseCount);
    }

    private static string Dechunk(ReadOnlySpan<byte> chunked)
    {
        var body = new List<byte>();
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked[..lineEnd]), 16);
            if (size == 0)
            {
                return Encoding.UTF8.GetString([.. body]);
            }

            body.AddRange(chunked.Slice(lineEnd + 2, size));
            chunked = chunked[(lineEnd + 2 + size + 2)..];
        }
    }
}
